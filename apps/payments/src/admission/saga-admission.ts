import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '@kirim/platform';
import { AdmissionDecision, AdmissionPolicy, decideAdmission, SagaLagSample } from './saga-admission-policy';

/** Injection token of the AdmissionPolicy (from PaymentsConfig). */
export const ADMISSION_POLICY = Symbol('ADMISSION_POLICY');

/**
 * This replica's view of the saga's lag: the last sample SagaLagSampler read, and the decision a
 * request that would start a payment gets from it. A request reads memory only; the database is
 * read by the sampler, a few times a second whatever the traffic.
 */
@Injectable()
export class SagaAdmission {
  private last: SagaLagSample | null = null;

  constructor(
    @Inject(ADMISSION_POLICY) readonly policy: AdmissionPolicy,
    private readonly clock: Clock,
  ) {}

  decide(): AdmissionDecision {
    return decideAdmission(this.last, this.clock.now(), this.policy);
  }

  record(sample: SagaLagSample): void {
    this.last = sample;
  }

  /** The last sample's lag while it is fresh enough to decide by; null otherwise (the gauge shows NaN). */
  freshLagSeconds(): number | null {
    if (this.last === null || this.clock.now().getTime() - this.last.sampledAt.getTime() > this.policy.sampleMaxAgeMs) return null;
    return this.last.lagSeconds;
  }
}
