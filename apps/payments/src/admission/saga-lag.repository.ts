/**
 * Where the saga's lag is read: payments' database, which every replica shares, so every replica
 * sees the same lag and refuses or admits alike.
 */
export abstract class SagaLagRepository {
  /**
   * Seconds the saga lags now, never negative: how long payments' oldest unpublished outbox row
   * has waited (0 with none). Why this and not the payments in flight: docs/payment-lifecycle.md,
   * "Backpressure".
   */
  abstract readLagSeconds(): Promise<number>;
}
