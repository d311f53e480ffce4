export interface EventuallyOptions {
  timeoutMs?: number;
  intervalMs?: number;
}

/**
 * Retries `assertion` until it stops throwing; at the deadline rethrows its last error, so the
 * failure reads like the assertion's own. For async effects (Kafka, outbox): poll, never sleep.
 */
export async function eventually(
  assertion: () => void | Promise<void>,
  { timeoutMs = 20_000, intervalMs = 100 }: EventuallyOptions = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await assertion();
      return;
    } catch (error: unknown) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, remaining)));
    }
  }
}
