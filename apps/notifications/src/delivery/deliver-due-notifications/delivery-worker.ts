import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DeliveryChannel, DeliveryEndpoints } from '../delivery-channel';
import { deliveryMetrics } from '../delivery-metrics';
import { DeliverDueNotifications } from './deliver-due-notifications.use-case';

/** Injection token of DELIVERY_POLL_INTERVAL_MS. */
export const DELIVERY_POLL_INTERVAL_MS = Symbol('DELIVERY_POLL_INTERVAL_MS');

/**
 * Every DELIVERY_POLL_INTERVAL_MS, reads which endpoints have deliveries due and, when some have,
 * the endpoints to serve (the configured ones and every enabled merchant endpoint, so one
 * registered, rotated or disabled is seen at the next tick), and starts a lane for each due one that
 * has none running: a lane
 * runs DeliverDueNotifications for its endpoint, again at once while claims come back full (a
 * backlog drains without waiting for ticks), and ends when less was due.
 *
 * Not payments' IntervalPoller, on purpose: that frame runs one pass at a time, so an endpoint that
 * hangs until its timeout would hold every other endpoint's deliveries behind it. Here the tick
 * never waits for a lane, and each endpoint has at most one lane (of up to
 * DELIVERY_CONCURRENCY_PER_ENDPOINT attempts in flight): a slow endpoint fills its own lane only.
 * The rest is IntervalPoller's contract: state lives in the database, so every replica may run a
 * worker; a failed lane is logged (the error's name and message only) and the next tick starts
 * another; shutdown stops the ticks and waits for the lanes before the database closes; the timer
 * does not keep the process alive.
 */
@Injectable()
export class DeliveryWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(DeliveryWorker.name);
  private readonly lanes = new Map<string, Promise<void>>();
  /** The tick reading the endpoints, if one is: ticks never pile up behind a slow read. */
  private ticking?: Promise<void>;
  private timer?: NodeJS.Timeout;
  private stopping = false;

  constructor(
    private readonly endpoints: DeliveryEndpoints,
    private readonly deliverDue: DeliverDueNotifications,
    @Inject(DELIVERY_POLL_INTERVAL_MS) private readonly intervalMs: number,
  ) {}

  onApplicationBootstrap(): void {
    this.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  start(): void {
    // Even with no endpoint configured: merchants may register theirs at any time.
    if (this.timer) return;
    this.stopping = false;
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.idle();
  }

  /** Starts a lane for every endpoint without one; resolves once they are started, never waiting for a lane. */
  tick(): Promise<void> {
    this.ticking ??= this.startLanes().finally(() => {
      this.ticking = undefined;
    });
    return this.ticking;
  }

  /** Resolves when the tick and every lane running now have ended (shutdown; tests). */
  async idle(): Promise<void> {
    await this.ticking;
    await Promise.all([...this.lanes.values()]);
  }

  private async startLanes(): Promise<void> {
    let endpoints: readonly DeliveryChannel[];
    let due: Set<string>;
    try {
      // What is due first: an idle tick reads no endpoint (nor decrypts a merchant's secret).
      due = await this.deliverDue.dueEndpointKeys();
      endpoints = due.size === 0 ? [] : await this.endpoints.active(due);
    } catch (error: unknown) {
      this.logger.warn(`reading the delivery endpoints failed, will retry: ${describeError(error)}`);
      return;
    }
    if (this.stopping) return;
    for (const endpoint of endpoints) {
      if (this.lanes.has(endpoint.endpointKey)) continue;
      const lane = this.runLane(endpoint).finally(() => this.lanes.delete(endpoint.endpointKey));
      this.lanes.set(endpoint.endpointKey, lane);
    }
    // Every endpoint served now has a lane: the circuits of the others (a merchant endpoint
    // disabled or removed, one with nothing due) leave the circuit gauge instead of staying forever.
    deliveryMetrics.forgetCircuitsExcept(new Set(this.lanes.keys()));
  }

  /** Whether `endpointKey` has a lane running (tests). */
  isBusy(endpointKey: string): boolean {
    return this.lanes.has(endpointKey);
  }

  /** Resolves when `endpointKey`'s lane running now has ended (tests). */
  async laneIdle(endpointKey: string): Promise<void> {
    await this.lanes.get(endpointKey);
  }

  private async runLane(endpoint: DeliveryChannel): Promise<void> {
    try {
      for (;;) {
        const result = await this.deliverDue.execute(endpoint);
        if (this.stopping || endpoint.refreshedEachTick || result.circuitOpen || result.claimed === 0 || !this.mayHaveMore(result.claimed)) return;
      }
    } catch (error: unknown) {
      this.logger.warn({ endpoint: endpoint.endpointKey }, `delivery pass failed, will retry: ${describeError(error)}`);
    }
  }

  /** A claim as large as the endpoint's in-flight limit may have left more due rows behind. */
  private mayHaveMore(claimed: number): boolean {
    return claimed >= this.deliverDue.claimSize;
  }
}

/** The error's name and message only (a query error's parameters could carry notification text). */
function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
