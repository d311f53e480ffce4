import { parseExposition } from '../../apps/e2e/src/support/metrics-exposition';
import { readUpstreams } from '../edge/upstreams';

/**
 * Where the stack's work waits while a step runs: every second, each service replica's /metrics
 * (the same gauges an operator alerts on, docs/metrics.md) for how far its consumer is behind and how
 * much of its outbox is unpublished, kept as the peak per service. A saturated stack's latency says
 * that work waits; this says where (payments' consumer, bank-connector's, an outbox), which is what
 * the next change should be aimed at.
 */

export interface BacklogReading {
  /** Messages behind on the partitions the replica consumes, summed (kirim_kafka_consumer_lag_messages). */
  readonly consumerLagMessages: number;
  /** Outbox rows not yet published (kirim_outbox_unpublished_messages). */
  readonly outboxRows: number;
  /** Age of the oldest of them, seconds (kirim_outbox_oldest_unpublished_age_seconds). */
  readonly outboxAgeSeconds: number;
}

const NOTHING_WAITING: BacklogReading = { consumerLagMessages: 0, outboxRows: 0, outboxAgeSeconds: 0 };

/**
 * The backlog gauges out of a /metrics text (Prometheus text format, as prom-client writes it). A
 * gauge the text lacks (a service without a consumer) or shows NaN (its database not answering)
 * counts as nothing waiting.
 */
export function backlogOf(metricsText: string): BacklogReading {
  let consumerLagMessages = 0;
  let outboxRows = 0;
  let outboxAgeSeconds = 0;
  for (const { name, value } of parseExposition(metricsText)) {
    if (!Number.isFinite(value)) continue;
    if (name === 'kirim_kafka_consumer_lag_messages') consumerLagMessages += value;
    else if (name === 'kirim_outbox_unpublished_messages') outboxRows = value;
    else if (name === 'kirim_outbox_oldest_unpublished_age_seconds') outboxAgeSeconds = value;
  }
  return { consumerLagMessages, outboxRows, outboxAgeSeconds };
}

/** Each figure's larger value. */
export function peakOf(a: BacklogReading, b: BacklogReading): BacklogReading {
  return {
    consumerLagMessages: Math.max(a.consumerLagMessages, b.consumerLagMessages),
    outboxRows: Math.max(a.outboxRows, b.outboxRows),
    outboxAgeSeconds: Math.max(a.outboxAgeSeconds, b.outboxAgeSeconds),
  };
}

/** The readings of one moment added up over a service's replicas (each consumes its own partitions; the outbox is shared, so its figures are the larger). */
function sumOverReplicas(readings: readonly BacklogReading[]): BacklogReading {
  return readings.reduce(
    (sum, reading) => ({
      consumerLagMessages: sum.consumerLagMessages + reading.consumerLagMessages,
      outboxRows: Math.max(sum.outboxRows, reading.outboxRows),
      outboxAgeSeconds: Math.max(sum.outboxAgeSeconds, reading.outboxAgeSeconds),
    }),
    NOTHING_WAITING,
  );
}

export interface BacklogPeaks {
  /** Per service, the largest of each figure over the samples taken. */
  readonly peaks: Readonly<Record<string, BacklogReading>>;
  readonly samples: number;
  /** Samples where a replica's /metrics could not be read (it was then left out of that sample). */
  readonly unreadable: number;
}

export type MetricsFetch = (url: string) => Promise<string>;

async function fetchMetricsText(url: string): Promise<string> {
  const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  if (!response.ok) throw new Error(`${url}: ${response.status}`);
  return response.text();
}

/** Samples the services' /metrics every `intervalMs` from start() until stop(). */
export class BacklogWatch {
  private readonly peaks = new Map<string, BacklogReading>();
  private samples = 0;
  private unreadable = 0;
  private timer: NodeJS.Timeout | undefined;
  private sampling: Promise<void> = Promise.resolve();

  constructor(
    /** The /metrics URLs of each service's replicas. */
    private readonly targets: Readonly<Record<string, readonly string[]>>,
    private readonly intervalMs = 1_000,
    private readonly fetchText: MetricsFetch = fetchMetricsText,
  ) {}

  /** The local stack's services with a consumer or an outbox, from the variables the edge reads (PAYMENTS_URL, ...). */
  static forStack(env: NodeJS.ProcessEnv = process.env, fetchText: MetricsFetch = fetchMetricsText): BacklogWatch {
    const upstreams = readUpstreams(env);
    const targets = Object.fromEntries(Object.entries(upstreams).map(([service, replicas]) => [service, replicas.map((replica) => new URL('/metrics', replica).toString())]));
    return new BacklogWatch(targets, 1_000, fetchText);
  }

  start(): void {
    this.timer = setInterval(() => {
      // One sample at a time: a slow scrape delays the next instead of piling up.
      this.sampling = this.sampling.then(() => this.sample());
    }, this.intervalMs);
    // A step that fails before stop() must not be kept alive by its watch.
    this.timer.unref();
  }

  async stop(): Promise<BacklogPeaks> {
    clearInterval(this.timer);
    await this.sampling;
    return { peaks: Object.fromEntries(this.peaks), samples: this.samples, unreadable: this.unreadable };
  }

  /** One sample of every replica; exposed for tests. */
  async sample(): Promise<void> {
    let missed = false;
    await Promise.all(
      Object.entries(this.targets).map(async ([service, urls]) => {
        const readings: BacklogReading[] = [];
        for (const url of urls) {
          try {
            readings.push(backlogOf(await this.fetchText(url)));
          } catch {
            missed = true;
          }
        }
        this.peaks.set(service, peakOf(this.peaks.get(service) ?? NOTHING_WAITING, sumOverReplicas(readings)));
      }),
    );
    this.samples += 1;
    if (missed) this.unreadable += 1;
  }
}

/** "backlog peaks (each service's /metrics every 1 s, 40 samples): payments consumer 2379 behind, outbox 1409 rows / 4.9 s; ...". */
export function backlogText(backlog: BacklogPeaks | null, intervalMs = 1_000): string {
  if (backlog === null || backlog.samples === 0) return 'backlog peaks: not sampled';
  const services = Object.entries(backlog.peaks)
    .sort(([, a], [, b]) => b.consumerLagMessages + b.outboxRows - (a.consumerLagMessages + a.outboxRows))
    .map(([service, peak]) => `${service} consumer ${peak.consumerLagMessages} behind, outbox ${peak.outboxRows} rows / ${peak.outboxAgeSeconds.toFixed(1)} s`)
    .join('; ');
  const unreadable = backlog.unreadable > 0 ? `, ${backlog.unreadable} with a replica unreadable` : '';
  return `backlog peaks (each service's /metrics every ${intervalMs / 1000} s, ${backlog.samples} samples${unreadable}): ${services}`;
}
