import { latencyThroughputSpec } from './latency-chart';

describe('latencyThroughputSpec: the sweep as a Vega chart', () => {
  const points = [
    { offeredRate: 250, completedPerSecond: 240, p50Ms: 300, p99Ms: 900, p999Ms: 1500 },
    { offeredRate: 500, completedPerSecond: 0, p50Ms: 0, p99Ms: 0, p999Ms: 0 },
    { offeredRate: 1000, completedPerSecond: 610.5, p50Ms: 15_000, p99Ms: 40_000, p999Ms: 45_000 },
  ];
  const spec = latencyThroughputSpec(points, 'title', ['subtitle']) as {
    data: { name: string; values?: { percentile: string; offeredRate: number; completedPerSecond: number; latencyMs: number }[] }[];
    scales: { name: string; type: string }[];
  };
  const values = spec.data.find((data) => data.name === 'points')?.values ?? [];

  it('plots p50, p99 and p99.9 of each step against its completed payments/s', () => {
    expect(values).toContainEqual({ percentile: 'p50', offeredRate: 250, completedPerSecond: 240, latencyMs: 300 });
    expect(values).toContainEqual({ percentile: 'p99', offeredRate: 1000, completedPerSecond: 610.5, latencyMs: 40_000 });
    expect(values).toContainEqual({ percentile: 'p99.9', offeredRate: 1000, completedPerSecond: 610.5, latencyMs: 45_000 });
  });

  it('leaves out a step with no latency to draw (a log scale has no zero)', () => {
    expect(values.some((value) => value.offeredRate === 500)).toBe(false);
    expect(values).toHaveLength(6);
  });

  it('draws latency on a log scale', () => {
    expect(spec.scales.find((scale) => scale.name === 'y')?.type).toBe('log');
  });
});
