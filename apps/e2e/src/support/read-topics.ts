import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { readKafkaPassword } from '@kirim/testing';
import { kafkaBrokers, kirimHome, REPO_ROOT } from './config';

export type ReadOutcome = 'read' | 'empty' | 'denied';

/**
 * What `principal` may read, asked of the broker with its own Java client and no consumer group
 * (ReadTopics.java): kafkajs cannot consume without a group, and a group the principal shares with
 * its real consumers would hide topics behind the group's assignment. Java and the broker's jars
 * are on every machine the local stack runs on (deploy/local/kafka/kafka.sh fetches the jars).
 */
export async function readTopicsAs(principal: string, topics: readonly string[]): Promise<Record<string, { outcome: ReadOutcome; detail: string }>> {
  const libs = join(kirimHome(), 'kafka', 'libs', '*');
  const source = join(REPO_ROOT, 'apps', 'e2e', 'src', 'support', 'ReadTopics.java');
  const logConfig = join(REPO_ROOT, 'deploy', 'local', 'kafka', 'tools-log4j2.properties');
  const child = spawn('java', [`-Dlog4j2.configurationFile=${logConfig}`, '-cp', libs, source, kafkaBrokers().join(','), principal, ...topics], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(`${readKafkaPassword(principal)}\n`);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`ReadTopics failed (exit ${code}): ${stderr.split('\n').slice(-5).join(' | ')}`);
  const results: Record<string, { outcome: ReadOutcome; detail: string }> = {};
  for (const line of stdout.split('\n')) {
    const match = /^(\S+) (read|empty|denied)\s*(.*)$/.exec(line.trim());
    if (match) results[match[1]] = { outcome: match[2] as ReadOutcome, detail: match[3] };
  }
  return results;
}
