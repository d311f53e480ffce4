import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from './support/config';

/**
 * The short form of `npm run chaos` (tools/chaos): under load from the bench, SIGKILL payments (and
 * restart it with scripts/stack.sh up), SIGKILL the broker (kafka.sh start), stop and start
 * PostgreSQL. The verdict comes from the API and the sandbox bank's ledger, never from events: no
 * payment lost, none moved twice, every one final within 60 s of recovery, money conserved, and
 * the bench's own verdict on the run the same. The bench's Kafka consumer (latency figures only)
 * must have ridden out the broker's restart.
 *
 * It kills and restarts the shared stack, and leaves it running and ready when it ends.
 */

/** The parts of .local/chaos result (tools/chaos/chaos-report.ts) this test reads. */
interface ChaosResultView {
  readonly ok: boolean;
  readonly failures: readonly string[];
  readonly disruptions: readonly { readonly kind: string; readonly startedAt: number; readonly recoveredAt: number }[];
  readonly verdict: { readonly accepted: number; readonly lost: number; readonly movedTwice: number; readonly settled: number; readonly ledger: { readonly after: { readonly totalMinor: string } } };
  readonly finalWithinRecovery: { readonly accepted: number; readonly inTime: number };
  readonly agreement: { readonly agrees: boolean; readonly differences: readonly string[] };
  readonly bench: { readonly exitCode: number };
  readonly benchConsumer: { readonly finalPayments: number; readonly finalEventsSeen: number; readonly seenAfterBrokerRecovery: number | null };
}

const CHAOS_TIMEOUT_MS = 420_000;

function runChaos(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-r', join(REPO_ROOT, 'tools', 'ts-register.cjs'), join(REPO_ROOT, 'tools', 'chaos', 'chaos.ts'), ...args], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
      // On a hang, SIGTERM: the chaos run then restores the stack before it exits.
      timeout: CHAOS_TIMEOUT_MS,
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

describe('chaos under load, short form (e2e, running stack)', () => {
  it(
    'kills payments and the broker and restarts PostgreSQL under load: nothing lost or moved twice, all final within 60 s of recovery, and the bench agrees',
    async () => {
      const resultFile = join(mkdtempSync(join(tmpdir(), 'kirim-chaos-')), 'chaos.json');
      const exitCode = await runChaos(['--short', '--result-file', resultFile]);
      const result = JSON.parse(readFileSync(resultFile, 'utf8')) as ChaosResultView;

      expect(result.failures).toEqual([]);
      expect(exitCode).toBe(0);
      expect(result.disruptions.map((disruption) => disruption.kind)).toEqual(['payments', 'broker', 'postgres']);
      expect(result.verdict.accepted).toBeGreaterThan(0);
      expect({ lost: result.verdict.lost, movedTwice: result.verdict.movedTwice, settled: result.verdict.settled, ledgerTotal: result.verdict.ledger.after.totalMinor }).toEqual({
        lost: 0,
        movedTwice: 0,
        settled: result.verdict.accepted,
        ledgerTotal: '0',
      });
      expect(result.finalWithinRecovery).toMatchObject({ accepted: result.verdict.accepted, inTime: result.verdict.accepted });
      expect(result.agreement).toEqual({ agrees: true, differences: [] });
      expect(result.bench.exitCode).toBe(0);
      // The bench's consumer survived the broker's restart: it saw every final event, some after the restart.
      expect(result.benchConsumer.finalEventsSeen).toBe(result.benchConsumer.finalPayments);
      expect(result.benchConsumer.seenAfterBrokerRecovery).toBeGreaterThan(0);
    },
    CHAOS_TIMEOUT_MS + 60_000,
  );
});
