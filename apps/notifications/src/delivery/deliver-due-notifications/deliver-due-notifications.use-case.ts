import { Inject, Injectable, Logger } from '@nestjs/common';
import { Clock, raiseAlert } from '@kirim/platform';
import { retryDelayMs } from '../backoff';
import { EndpointCircuitBreakers } from '../circuit-breaker';
import { boundedReason, ClaimedDelivery, DeliveryOutcome } from '../delivery';
import type { DeliveryChannel } from '../delivery-channel';
import { AttemptOutcome, deliveryMetrics } from '../delivery-metrics';
import { DELIVERY_SETTINGS, DeliverySettings } from '../delivery-settings';
import { DeliveryRepository, RecordedOutcome } from '../delivery.repository';

/** An attempt that has ended: how it is counted, and what is stored. */
interface FinishedAttempt {
  readonly delivery: ClaimedDelivery;
  readonly counted: AttemptOutcome;
  readonly outcome: RecordedOutcome;
  /** How long the endpoint took; none when nothing was sent. */
  readonly seconds?: number;
}

export interface DeliverDueNotificationsResult {
  /** Rows this pass claimed (a full claim means more may be due at once). */
  readonly claimed: number;
  /** The circuit let nothing through (open, or its one trial is out). */
  readonly circuitOpen: boolean;
}

/**
 * One pass over one endpoint: claim what is due (as many as the endpoint may have in flight, one
 * when its circuit is half-open, none when open), send each outside the claim's transaction, and
 * store their outcomes together.
 *
 * Why sending outside a transaction loses nothing and sends nothing twice beyond at-least-once:
 * the claim commits the attempt and a lease (status delivering, next_attempt_at = now + lease)
 * before anything is sent. A worker that dies before sending or before storing the outcome leaves
 * the row delivering; when the lease lapses any worker claims it again and sends it again under the
 * same `webhook-id` (the delivery id), so a receiver that had it drops the copy. The lease outlasts
 * the request timeout, so a live worker never races another on one row, and an outcome is stored
 * only by the claim that made it (attempts must still match).
 */
@Injectable()
export class DeliverDueNotifications {
  private readonly logger = new Logger(DeliverDueNotifications.name);

  constructor(
    private readonly repository: DeliveryRepository,
    private readonly breakers: EndpointCircuitBreakers,
    private readonly clock: Clock,
    @Inject(DELIVERY_SETTINGS) private readonly settings: DeliverySettings,
  ) {}

  /** How many rows a closed circuit's claim asks for: the endpoint's in-flight limit. */
  get claimSize(): number {
    return this.settings.concurrencyPerEndpoint;
  }

  /** The endpoints with something due now: the worker starts lanes for these only. */
  async dueEndpointKeys(): Promise<Set<string>> {
    return this.repository.dueEndpointKeys(this.clock.now());
  }

  async execute(endpoint: DeliveryChannel): Promise<DeliverDueNotificationsResult> {
    const key = endpoint.endpointKey;
    const permitted = this.breakers.acquire(key, this.settings.concurrencyPerEndpoint);
    deliveryMetrics.circuit(endpoint, this.breakers.stateOf(key));
    // An open circuit claims nothing: the endpoint's rows stay pending, due, with no attempt used.
    if (permitted === 0) return { claimed: 0, circuitOpen: true };
    let claimed: ClaimedDelivery[] = [];
    try {
      const now = this.clock.now();
      claimed = await this.repository.claimDue({ endpointKey: key, now, limit: permitted, leaseUntil: new Date(now.getTime() + this.settings.leaseMs) });
    } finally {
      // A half-open circuit's trial that found nothing to send (or failed to claim) is handed back.
      if (claimed.length === 0) this.breakers.releaseTrial(key);
    }
    const attempts = await Promise.all(claimed.map((delivery) => this.attempt(endpoint, delivery)));
    await this.store(endpoint, attempts);
    deliveryMetrics.circuit(endpoint, this.breakers.stateOf(key));
    return { claimed: claimed.length, circuitOpen: false };
  }

  /** Sends one claimed delivery (unless no attempt is left) and says how the attempt ended; stores nothing. */
  private async attempt(endpoint: DeliveryChannel, delivery: ClaimedDelivery): Promise<FinishedAttempt> {
    const { maxAttempts } = this.settings.retry;
    if (delivery.attempt > maxAttempts) {
      // Only a claim whose lease lapsed after the last attempt gets here (a worker died mid-send):
      // whether that one arrived is unknown, and no attempt is left.
      return { delivery, counted: 'dead', outcome: { status: 'dead', at: this.clock.now(), error: 'no attempt left: the last one ended without an outcome (the worker stopped)' } };
    }
    const started = this.clock.now().getTime();
    const outcome = await this.send(endpoint, delivery);
    const seconds = Math.max(this.clock.now().getTime() - started, 0) / 1000;
    const now = this.clock.now();
    switch (outcome.kind) {
      case 'delivered':
        this.breakers.recordSuccess(endpoint.endpointKey);
        return { delivery, counted: 'delivered', outcome: { status: 'delivered', at: now }, seconds };
      case 'permanent':
        // The endpoint is up and refused this message: the circuit has no reason to open.
        this.breakers.recordSuccess(endpoint.endpointKey);
        return { delivery, counted: 'dead', outcome: { status: 'dead', at: now, error: boundedReason(`refused: ${outcome.reason}`) }, seconds };
      case 'retryable': {
        this.breakers.recordFailure(endpoint.endpointKey);
        const error = boundedReason(outcome.reason);
        if (delivery.attempt >= maxAttempts) {
          return { delivery, counted: 'dead', outcome: { status: 'dead', at: now, error: boundedReason(`${maxAttempts} attempts failed, the last: ${error}`) }, seconds };
        }
        const delay = retryDelayMs(delivery.attempt, this.settings.retry, this.settings.random, outcome.retryAfterMs);
        return { delivery, counted: 'retry', outcome: { status: 'pending', nextAttemptAt: new Date(now.getTime() + delay), error }, seconds };
      }
      default: {
        const unhandled: never = outcome;
        throw new Error(`unhandled delivery outcome ${JSON.stringify(unhandled)}`);
      }
    }
  }

  /** A channel that throws broke its contract; the attempt counts as a retryable failure, not a crash. */
  private async send(endpoint: DeliveryChannel, delivery: ClaimedDelivery): Promise<DeliveryOutcome> {
    try {
      return await endpoint.deliver(delivery);
    } catch (error: unknown) {
      return { kind: 'retryable', reason: error instanceof Error ? `channel error: ${error.name}` : 'channel error' };
    }
  }

  /**
   * Stores the pass's outcomes with one write once every attempt has ended (the lane waits for all of
   * them before its next claim anyway), then alerts on each delivery that died.
   */
  private async store(endpoint: DeliveryChannel, attempts: readonly FinishedAttempt[]): Promise<void> {
    for (const { counted, seconds } of attempts) deliveryMetrics.attempt(endpoint.channel, counted, seconds);
    const stored = await this.repository.recordOutcomes(attempts.map(({ delivery, outcome }) => ({ deliveryId: delivery.deliveryId, attempt: delivery.attempt, outcome })));
    for (const { delivery, outcome } of attempts) {
      if (!stored.has(delivery.deliveryId)) {
        // Its lease lapsed and another claim took the row: that claim's outcome is the one kept.
        this.logger.warn({ deliveryId: delivery.deliveryId, endpoint: endpoint.endpointKey, attempt: delivery.attempt }, 'delivery outcome dropped: the row was claimed again');
        continue;
      }
      if (outcome.status === 'dead') {
        raiseAlert(
          this.logger,
          'notification-delivery-dead',
          { deliveryId: delivery.deliveryId, notificationId: delivery.notification?.notificationId, merchantEventId: delivery.merchantEvent?.merchantEventId, endpoint: endpoint.endpointKey, attempts: delivery.attempt, reason: outcome.error },
          'a notification delivery is dead: an operator may replay it (POST /internal/v1/operator/deliveries/{id}/replay)',
        );
      }
    }
  }
}
