import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { JWK } from 'jose';
import { BankPinKeys, PinBlock } from '../../apps/e2e/src/support/upi-pin';

/**
 * PIN blocks for the open-loop load, made exactly as apps/e2e's BankPinKeys.encrypt makes them
 * (compact JWE, ECDH-ES with a fresh ephemeral key per block as RFC 7518 wants, A256GCM, the bank's
 * kid; the banks' keys from GET /v1/banks), with two differences:
 *
 * - in worker threads (pin-block-worker.cjs): a block costs ~0.5 ms of CPU, mostly the ephemeral
 *   key, and at hundreds of payments per second that work would delay the sends due at the same
 *   moment on the main thread. One worker per spare core (at least one, at most four). Measured at
 *   300/s against a local stand-in server on the 2-core machine: the main thread's event loop 25-43 %
 *   busy with one worker against 42-72 % without, send lag p99 16-76 ms against 21-117 ms, for
 *   ~0.5 ms more CPU per payment in all (two copies of jose, the messages);
 * - without BankPinKeys' writing every PIN and block to the sensitive-data audit's record (two
 *   synchronous file appends per block, a third of its CPU). The audit follows the CI smoke run,
 *   which pays through BankPinKeys and keeps that record.
 */

/** Jobs per message to a worker: fewer, larger messages; small enough to keep every worker busy. */
const JOBS_PER_MESSAGE = 32;

interface Job {
  readonly kid: string;
  readonly jwk: JWK;
  readonly block: PinBlock;
  readonly resolve: (block: string) => void;
  readonly reject: (error: Error) => void;
}

interface PinWorker {
  readonly worker: Worker;
  readonly pending: Map<number, Job[]>;
  outstanding: number;
}

type WorkerAnswer = { readonly id: number; readonly blocks: string[] } | { readonly id: number; readonly error: string };

export class PinBlockMaker {
  private readonly workers: PinWorker[];
  private queue: Job[] = [];
  private flushScheduled = false;
  private nextId = 0;
  private banks: Promise<Map<string, { kid: string; jwk: JWK }>> | undefined;

  constructor(
    private readonly keys: BankPinKeys,
    workerCount: number = Math.min(4, Math.max(1, availableParallelism() - 1)),
  ) {
    this.workers = Array.from({ length: workerCount }, () => this.startWorker());
  }

  /** The block of a payment: the PIN bound to this amount, typed at `iat` (epoch seconds). */
  async pay(bankCode: string, pin: string, amount: string, iat: number): Promise<string> {
    const bank = (await this.bankKeys()).get(bankCode);
    if (!bank) throw new Error(`bank ${bankCode} publishes no UPI PIN key at GET /v1/banks`);
    return new Promise<string>((resolve, reject) => {
      this.queue.push({ kid: bank.kid, jwk: bank.jwk, block: { purpose: 'pay', pin, amount: { value: amount, currency: 'INR' }, iat }, resolve, reject });
      if (!this.flushScheduled) {
        this.flushScheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((entry) => entry.worker.terminate()));
  }

  private bankKeys(): Promise<Map<string, { kid: string; jwk: JWK }>> {
    this.banks ??= this.keys.banks().then((banks) => new Map(banks.filter((bank) => bank.pinKey !== null).map((bank) => [bank.bankCode, { kid: bank.pinKey?.kid ?? '', jwk: bank.pinKey as JWK }])));
    return this.banks;
  }

  /** Hands the queued jobs out in messages of JOBS_PER_MESSAGE, each to the least busy worker. */
  private flush(): void {
    this.flushScheduled = false;
    const jobs = this.queue;
    this.queue = [];
    if (this.workers.length === 0) {
      for (const job of jobs) job.reject(new Error('no PIN block worker is left (they failed)'));
      return;
    }
    for (let start = 0; start < jobs.length; start += JOBS_PER_MESSAGE) {
      const chunk = jobs.slice(start, start + JOBS_PER_MESSAGE);
      const target = this.workers.reduce((least, candidate) => (candidate.outstanding < least.outstanding ? candidate : least));
      const id = this.nextId++;
      target.pending.set(id, chunk);
      target.outstanding += chunk.length;
      target.worker.postMessage({ id, jobs: chunk.map(({ kid, jwk, block }) => ({ kid, jwk, block })) });
    }
  }

  private startWorker(): PinWorker {
    const entry: PinWorker = { worker: new Worker(join(__dirname, 'pin-block-worker.cjs')), pending: new Map(), outstanding: 0 };
    // Idle workers must not keep the bench alive once its work is done.
    entry.worker.unref();
    entry.worker.on('message', (answer: WorkerAnswer) => {
      const jobs = entry.pending.get(answer.id) ?? [];
      entry.pending.delete(answer.id);
      entry.outstanding -= jobs.length;
      jobs.forEach((job, i) => ('error' in answer ? job.reject(new Error(`PIN block: ${answer.error}`)) : job.resolve(answer.blocks[i])));
    });
    entry.worker.on('error', (error) => {
      // A failed worker takes no more jobs; its jobs fail (their payments are counted as not prepared).
      const index = this.workers.indexOf(entry);
      if (index >= 0) this.workers.splice(index, 1);
      for (const jobs of entry.pending.values()) for (const job of jobs) job.reject(error);
      entry.pending.clear();
    });
    return entry;
  }
}
