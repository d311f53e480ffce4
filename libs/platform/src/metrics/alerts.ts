import { Counter, Registry } from 'prom-client';
import { catalogued } from './metric-catalogue';

/**
 * The service's metrics (prom-client), served as Prometheus text on `/metrics` (MetricsController)
 * on the service's own port; the edge never routes it.
 */
export const serviceMetrics = new Registry();

/**
 * Something an operator must act on: money or a record set aside that will not finish by itself.
 * Each one is logged at error level AND counted, so an alert rule on `kirim_alerts_total` finds it
 * even when nobody reads logs.
 */
const alerts = new Counter({ ...catalogued('kirim_alerts_total'), registers: [serviceMetrics] });

/** The logger shape raiseAlert needs: Nest's Logger (pino behind it) fits. */
export interface AlertLogger {
  error(context: object, message: string): void;
}

/** Alert names: kebab-case, stable (they are metric labels and alert rule keys). */
const ALERT_NAME = /^[a-z][a-z0-9-]{2,63}$/;

/**
 * Logs `message` at error level with `context` (identifiers and states only: never personal data)
 * and counts the alert. The name is validated here so a typo cannot create an unbounded label set.
 */
export function raiseAlert(logger: AlertLogger, alert: string, context: Record<string, unknown>, message: string): void {
  if (!ALERT_NAME.test(alert)) throw new Error(`alert name ${JSON.stringify(alert)} must be kebab-case, 3 to 64 characters`);
  alerts.inc({ alert });
  logger.error({ alert, ...context }, message);
}

/** How many times `alert` was raised in this process (tests and the operator API read it). */
export async function alertCount(alert: string): Promise<number> {
  const metric = await alerts.get();
  return metric.values.find((value) => value.labels.alert === alert)?.value ?? 0;
}
