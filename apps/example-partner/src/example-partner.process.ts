import { ConfigError, loadExamplePartnerConfig } from './example-partner.config';
import { ExamplePartnerOverrides, SERVICE_NAME, startExamplePartner } from './example-partner';

/**
 * The process around the example partner: configuration from the environment (a bad variable stops
 * it with a line naming it, exit 1), start-up, and an ordered stop on SIGTERM or SIGINT.
 */
export function runExamplePartnerProcess(overrides: ExamplePartnerOverrides = {}): void {
  const run = async (): Promise<void> => {
    let config;
    try {
      config = loadExamplePartnerConfig(process.env);
    } catch (error) {
      if (error instanceof ConfigError) {
        process.stderr.write(`${SERVICE_NAME}: ${error.message}\n`);
        process.exit(1);
      }
      throw error;
    }
    const shutdownTimeoutMs = config.shutdownTimeoutMs;
    const partner = await startExamplePartner(config, overrides);
    let stopping = false;
    const stop = (signal: string): void => {
      if (stopping) return;
      stopping = true;
      process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level: 'info', name: SERVICE_NAME, msg: 'stopping', signal })}\n`);
      const timer = setTimeout(() => {
        process.stderr.write(`${SERVICE_NAME}: did not stop within ${shutdownTimeoutMs} ms; exiting\n`);
        process.exit(1);
      }, shutdownTimeoutMs);
      timer.unref();
      partner.stop().then(
        () => process.exit(0),
        (error: unknown) => {
          process.stderr.write(`${SERVICE_NAME}: stopping failed: ${error instanceof Error ? error.message : String(error)}\n`);
          process.exit(1);
        },
      );
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  };
  run().catch((error: unknown) => {
    process.stderr.write(`${SERVICE_NAME}: could not start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
