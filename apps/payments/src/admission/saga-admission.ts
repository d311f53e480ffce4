import { Inject, Injectable } from '@nestjs/common';
import { Clock } from '@kirim/platform';
import { AdmissionDecision, AdmissionPolicy, decideAdmission, SagaLagSample } from './saga-admission-policy';

/** Injection token of the AdmissionPolicy (from PaymentsConfig). */
export const ADMISSION_POLICY = Symbol('ADMISSION_POLICY');

/**
 * This replica's view of the saga's lag: the last sample SagaLagSampler read, and the decision a
 * request that would start a payment gets from it; and how many such requests it is working on. A
 * request reads memory only; the database is read by the sampler, a few times a second whatever
 * the traffic.
 */
@Injectable()
export class SagaAdmission {
  private last: SagaLagSample | null = null;
  /** Requests to start a payment this replica is working on (admitted by tryEnter, not yet answered). */
  private inFlight = 0;

  constructor(
    @Inject(ADMISSION_POLICY) readonly policy: AdmissionPolicy,
    private readonly clock: Clock,
  ) {}

  decide(): AdmissionDecision {
    return decideAdmission(this.last, this.clock.now(), this.policy);
  }

  /**
   * Counts a request to start a payment in, unless this replica is already working on
   * `policy.maxInFlight` of them: then null, and the request is refused. Call the function returned
   * once it is answered (more than once is harmless).
   */
  tryEnter(): (() => void) | null {
    if (this.isFull()) return null;
    this.inFlight += 1;
    let left = false;
    return () => {
      if (left) return;
      left = true;
      this.inFlight -= 1;
    };
  }

  /** Whether tryEnter would refuse now: for a refusal that costs less than the request's way to the guard. */
  isFull(): boolean {
    return this.inFlight >= this.policy.maxInFlight;
  }

  /** How many requests to start a payment this replica is working on. */
  inFlightCount(): number {
    return this.inFlight;
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
