import { Registry } from 'prom-client';
import { collectProcessMetrics } from './process-metrics';

describe('collectProcessMetrics', () => {
  it("registers Node's process metrics under their standard names, once however often it is called", async () => {
    const registry = new Registry();
    collectProcessMetrics(registry);
    collectProcessMetrics(registry);
    const names = registry.getMetricsAsArray().map((metric) => metric.name);
    expect(names).toEqual(expect.arrayContaining(['process_cpu_user_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_p99_seconds', 'nodejs_heap_size_used_bytes']));
    expect(new Set(names).size).toBe(names.length);
    // No default label: Prometheus's target labels say which service and pod a series is from.
    expect(await registry.metrics()).toMatch(/^process_cpu_user_seconds_total \d+(\.\d+)?$/m);
  });
});
