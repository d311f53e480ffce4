import { build, Histogram } from 'hdr-histogram-js';

export interface LatencySummary {
  readonly count: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
  readonly maxMs: number;
  readonly meanMs: number;
}

/** Latencies in microseconds, 3 significant digits; resizes itself if a run is slower than expected. */
export class LatencyRecorder {
  private readonly histogram: Histogram = build({ lowestDiscernibleValue: 1, highestTrackableValue: 60 * 60 * 1_000_000, numberOfSignificantValueDigits: 3 });

  recordMs(ms: number): void {
    // An event can arrive before the client has processed its own 202: a latency of (about) zero.
    this.histogram.recordValue(Math.max(1, Math.round(ms * 1000)));
  }

  summary(): LatencySummary {
    const h = this.histogram;
    const ms = (micros: number): number => Math.round(micros / 10) / 100;
    // Percentiles are reported as their bucket's highest equivalent value; never above the true max.
    const at = (percentile: number): number => (h.totalCount === 0 ? 0 : ms(Math.min(h.getValueAtPercentile(percentile), h.maxValue)));
    return { count: h.totalCount, p50Ms: at(50), p90Ms: at(90), p99Ms: at(99), p999Ms: at(99.9), maxMs: ms(h.maxValue), meanMs: h.totalCount === 0 ? 0 : ms(h.mean) };
  }
}
