/** Small async helpers of the bench and the chaos run: bounded concurrency, waiting, time limits. */

/** Runs `task` over `items` with at most `limit` in flight; results in the items' order. */
export async function pool<T, R>(items: readonly T[], limit: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
}

export class TimedOut extends Error {
  constructor(what: string, ms: number) {
    super(`${what} did not finish within ${ms} ms`);
    this.name = 'TimedOut';
  }
}

/**
 * Waits for `promise` at most `ms`. The work itself is not cancelled (fetch and pg give no handle
 * for that here); callers only retry operations that are safe to repeat.
 */
export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new TimedOut(what, ms)), ms);
      }),
    ]);
  } finally {
    if (timer) clearTimeout(timer);
  }
}

/** Exponential backoff with jitter: 250 ms, 500 ms, 1 s, ... capped at `capMs`. */
export function backoffMs(attempt: number, capMs = 5000): number {
  return Math.min(capMs, 250 * 2 ** Math.min(attempt, 10)) + Math.floor(Math.random() * 250);
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
