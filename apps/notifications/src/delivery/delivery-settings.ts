import type { CircuitBreakerPolicy } from './circuit-breaker';
import type { RetryPolicy } from './backoff';

/** How the worker paces deliveries (from NotificationsConfig; tests give their own). */
export interface DeliverySettings {
  readonly retry: RetryPolicy;
  readonly breaker: CircuitBreakerPolicy;
  /** Attempts in flight at once per endpoint, and so the size of one claim. */
  readonly concurrencyPerEndpoint: number;
  /**
   * How long a claim is the worker's: longer than an attempt can take (the request timeout), so a
   * live worker never loses a row it is sending; a dead worker's rows come back after it.
   */
  readonly leaseMs: number;
  /** [0, 1): the jitter's randomness (Math.random in production; tests pin it). */
  readonly random: () => number;
}

/** Injection token of DeliverySettings. */
export const DELIVERY_SETTINGS = Symbol('DELIVERY_SETTINGS');
