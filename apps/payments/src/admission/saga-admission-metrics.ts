import { Injectable, OnModuleInit } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { catalogued, serviceMetrics } from '@kirim/platform';
import { SagaAdmission } from './saga-admission';

/**
 * Backpressure's metrics (docs/metrics.md): the lag this replica admits new payments by, as last
 * sampled (no database read at scrape time), the requests to start a payment it is working on, and
 * the ones it refused.
 */

let watched: SagaAdmission | undefined;

new Gauge({
  ...catalogued('kirim_payment_saga_lag_seconds'),
  registers: [serviceMetrics],
  collect() {
    this.set(watched?.freshLagSeconds() ?? Number.NaN);
  },
});

new Gauge({
  ...catalogued('kirim_payment_admission_in_flight'),
  registers: [serviceMetrics],
  collect() {
    this.set(watched?.inFlightCount() ?? 0);
  },
});

const refusals = new Counter({ ...catalogued('kirim_payment_admission_refusals_total'), registers: [serviceMetrics] });

/** Why a request to start a payment was refused: the saga lagged, or this replica had too many in flight. */
export type AdmissionRefusalReason = 'saga-lag' | 'in-flight';

export function countAdmissionRefusal(reason: AdmissionRefusalReason): void {
  refusals.inc({ reason });
}

/** Points the gauge at this replica's SagaAdmission once Nest has made it (until then it shows NaN). */
@Injectable()
export class SagaAdmissionMetrics implements OnModuleInit {
  constructor(private readonly admission: SagaAdmission) {}

  onModuleInit(): void {
    watched = this.admission;
  }
}
