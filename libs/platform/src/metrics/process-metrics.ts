import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * Node's process metrics (CPU, memory, heap, event-loop lag, GC, handles) on `registry`, under
 * prom-client's standard names (`process_*`, `nodejs_*`) rather than kirim_ ones, so the usual
 * Node.js dashboards and alert rules work on them unchanged.
 *
 * No `service` default label on this or any metric: in Kubernetes the ServiceMonitor gives every
 * series the Service, pod and namespace as target labels, and a `service` label of our own would
 * collide with Prometheus's (it would be renamed `exported_service`); locally each service has its
 * own port, which says the same.
 *
 * Idempotent: a second call (several apps in one test process) changes nothing.
 */
export function collectProcessMetrics(registry: Registry): void {
  if (registry.getSingleMetric('process_cpu_user_seconds_total') !== undefined) return;
  collectDefaultMetrics({ register: registry });
}
