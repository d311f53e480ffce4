import { ConfigError } from '../config/config-error';

/**
 * Runs a service's `main`. A boot failure (bad config, DB unreachable after retries) is written as
 * one JSON line on stderr, pino-shaped so log pipelines parse it, and the process exits 1.
 */
export function bootService(main: () => Promise<void>, serviceName?: string): void {
  main().catch((error: unknown) => {
    const line = {
      level: 60,
      time: Date.now(),
      ...(serviceName ? { service: serviceName } : {}),
      msg: 'boot failed',
      err: describeBootError(error),
    };
    process.stderr.write(`${JSON.stringify(line)}\n`);
    process.exit(1);
  });
}

function describeBootError(error: unknown): Record<string, unknown> {
  if (error instanceof ConfigError) return { type: error.name, message: error.message, problems: error.problems };
  if (error instanceof Error) return { type: error.name, message: error.message, stack: error.stack };
  return { type: typeof error, message: String(error) };
}
