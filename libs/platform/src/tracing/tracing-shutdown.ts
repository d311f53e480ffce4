/** What shutdown needs of the started tracer provider; kept apart so the shutdown code loads no tracing SDK. */
interface ShutdownableProvider {
  shutdown(): Promise<void>;
}

let started: ShutdownableProvider | undefined;

/** Called once by startTracing; a second start is a bug (two providers would each export half the spans). */
export function rememberStartedTracing(provider: ShutdownableProvider): void {
  if (started) throw new Error('tracing is already started');
  started = provider;
}

/**
 * Sends the spans still buffered and stops the exporter; waits at most `maxWaitMs`, since an
 * unreachable collector must not hold up a shutdown. False if it gave up. Nothing to do (true)
 * when tracing was never started.
 */
export async function shutdownTracing(maxWaitMs: number): Promise<boolean> {
  const provider = started;
  if (!provider) return true;
  started = undefined;
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), maxWaitMs);
  });
  try {
    return await Promise.race([provider.shutdown().then(() => true, () => false), gaveUp]);
  } finally {
    clearTimeout(timer);
  }
}
