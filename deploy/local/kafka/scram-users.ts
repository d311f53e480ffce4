import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const SOURCE = resolve(__dirname, 'ScramUsers.java');
const LOG_CONFIG = resolve(__dirname, 'tools-log4j2.properties');

export interface ScramUsersResult {
  readonly created: string[];
  readonly updated: string[];
  /** SCRAM users on the broker that were not asked for (admin, or a partner no longer in the registry). */
  readonly others: string[];
}

/**
 * Creates or updates SCRAM-SHA-512 users through ScramUsers.java (the Java Admin client: kafkajs has no
 * AlterUserScramCredentials). The class is compiled once per source version into
 * `<kafkaHome>/tools/`, which makes each run a single JVM start (~1.5 s, against ~3 s to run the
 * source file directly and ~2 s per user with kafka-configs' ConfigCommand). Passwords travel on stdin.
 */
export async function upsertScramUsers(options: {
  readonly kafkaHome: string;
  readonly bootstrapServers: readonly string[];
  readonly adminPassword: string;
  readonly users: readonly { readonly name: string; readonly password: string }[];
}): Promise<ScramUsersResult> {
  const libs = join(options.kafkaHome, 'libs');
  if (!existsSync(libs)) throw new Error(`no broker jars in ${libs}: run deploy/local/kafka/kafka.sh fetch (or start)`);
  const classes = compiledClasses(options.kafkaHome, libs);
  const input = [options.adminPassword, ...options.users.map((user) => `${user.name} ${user.password}`)].join('\n') + '\n';
  const args = ['-XX:TieredStopAtLevel=1', '-XX:+UseSerialGC', `-Dlog4j2.configurationFile=${LOG_CONFIG}`, '-cp', `${classes}:${libs}/*`, 'ScramUsers', options.bootstrapServers.join(',')];
  const { code, stdout, stderr } = await run('java', args, input);
  if (code !== 0) throw new Error(`ScramUsers failed (exit ${code}): ${stderr.trim().split('\n').slice(-5).join(' | ')}`);
  const result: ScramUsersResult = { created: [], updated: [], others: [] };
  for (const line of stdout.split('\n')) {
    const [outcome, name] = line.trim().split(' ');
    if (outcome === 'created' && name) result.created.push(name);
    else if (outcome === 'updated' && name) result.updated.push(name);
    else if (outcome === 'other' && name) result.others.push(name);
  }
  return result;
}

function compiledClasses(kafkaHome: string, libs: string): string {
  const version = createHash('sha256').update(readFileSync(SOURCE)).digest('hex').slice(0, 12);
  const dir = join(kafkaHome, 'tools', `scram-users-${version}`);
  if (existsSync(join(dir, 'ScramUsers.class'))) return dir;
  const building = `${dir}.${process.pid}.tmp`;
  mkdirSync(building, { recursive: true });
  const javac = spawnSync('javac', ['-nowarn', '-cp', `${libs}/*`, '-d', building, SOURCE], { encoding: 'utf8' });
  if (javac.error) throw new Error(`javac could not run (a JDK 17+ is needed): ${javac.error.message}`);
  if (javac.status !== 0) throw new Error(`javac failed on ${SOURCE}: ${javac.stderr}`);
  try {
    renameSync(building, dir);
  } catch {
    rmSync(building, { recursive: true, force: true }); // another run got there first
  }
  return dir;
}

function run(command: string, args: readonly string[], stdin: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error) => reject(new Error(`${command} could not run: ${error.message}`)));
    child.on('close', (code) => resolvePromise({ code: code ?? 1, stdout, stderr }));
    child.stdin.end(stdin);
  });
}
