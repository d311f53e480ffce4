import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { toProblemException } from '@kirim/platform';
import type { AuthenticatedUser, ProblemFailure } from '@kirim/platform';
import { parseIdempotencyKey } from '../payment/initiate-payment/payment-request-rules';
import { ADMISSION_PROBLEMS } from '../payment/payment-problems';
import { IdempotencyKeyRepository } from '../payment/payment.repository';
import { countAdmissionRefusal } from './saga-admission-metrics';
import { SagaAdmission } from './saga-admission';

/** The part of the response the guard watches: when it is over, the request no longer counts as in flight. */
interface ResponseOfARequest {
  once(event: 'close', listener: () => void): unknown;
}

interface RequestStartingAPayment {
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Put there by JwtAuthGuard, which runs first. */
  readonly user?: AuthenticatedUser;
}

/**
 * A refusal for too many in flight says to come back in a second: a replica works through its
 * PAYMENT_ADMISSION_MAX_IN_FLIGHT requests well within that (they are tens of ms each when it keeps up).
 */
export const IN_FLIGHT_RETRY_AFTER_SECONDS = 1;

/** The refusal of a request to start a payment while the replica works on `maxInFlight` of them (here and in refuseWhileFull). */
export function inFlightRefusal(maxInFlight: number): ProblemFailure {
  return ADMISSION_PROBLEMS.failure(
    'payments-overloaded',
    `Payments is already starting ${maxInFlight} payments here, so this request was not looked at; try again in ${IN_FLIGHT_RETRY_AFTER_SECONDS} s with the same Idempotency-Key.`,
    { retryAfterSeconds: IN_FLIGHT_RETRY_AFTER_SECONDS },
  );
}

/**
 * Backpressure in front of every route that starts a payment for a payer (docs/payment-lifecycle.md,
 * "Backpressure"): while the saga lags past its bound, 503 payments-overloaded with Retry-After,
 * before the use case runs, so nothing is written: no idempotency key claimed, no limit counted, no
 * payment. Placed after JwtAuthGuard (`@UseGuards(JwtAuthGuard, SagaAdmissionGuard)`, or on the
 * method of a controller guarded by it), since a replay is known by the payer's user id.
 *
 * A replica already working on PAYMENT_ADMISSION_MAX_IN_FLIGHT such requests refuses the next at
 * once, the same way, with Retry-After 1 (SagaAdmission.tryEnter): the requests queued in an
 * overloaded replica are what make it slow, so they are bounded where they arrive. While it is full,
 * refuseWhileFull answers them before this guard, before their body is read; a request counts in
 * only here, once its token is checked, so no unauthenticated client holds a place.
 *
 * Admitting costs a read of memory. Only a request refused for the saga's lag costs more: one
 * primary-key read of the payer's Idempotency-Key, so a retry of a payment already accepted (its
 * answer lost) is still answered with that payment: the use case answers it from its record, with
 * no new work.
 */
@Injectable()
export class SagaAdmissionGuard implements CanActivate {
  constructor(
    private readonly admission: SagaAdmission,
    private readonly idempotencyKeys: IdempotencyKeyRepository,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    // First, and from memory only: a replica already working on as many as it may takes no more.
    // No replay check here (its read is work, and work is what this replica has too much of): a
    // retry of an accepted payment is answered when it comes again, Retry-After later.
    const leave = this.admission.tryEnter();
    if (leave === null) {
      countAdmissionRefusal('in-flight');
      throw toProblemException(inFlightRefusal(this.admission.policy.maxInFlight));
    }
    // Answered, refused below or failed later: 'close' comes once the response is over, or its connection gone.
    http.getResponse<ResponseOfARequest>().once('close', leave);

    const decision = this.admission.decide();
    if (decision.admit) return true;
    if (await this.answeredWithoutNewWork(http.getRequest<RequestStartingAPayment>())) return true;
    countAdmissionRefusal('saga-lag');
    throw ADMISSION_PROBLEMS.exception(
      'payments-overloaded',
      `Payments are behind with the payments already accepted, so this one was not recorded; try again in ${decision.retryAfterSeconds} s with the same Idempotency-Key.`,
      { retryAfterSeconds: decision.retryAfterSeconds },
    );
  }

  /**
   * Requests the route answers without starting a payment go on: one without a valid
   * Idempotency-Key (the route refuses it, 400) and one whose key the payer already used (the use
   * case answers the earlier payment, or idempotency-key-reused for another body).
   */
  private async answeredWithoutNewWork(request: RequestStartingAPayment): Promise<boolean> {
    const key = parseIdempotencyKey(request.headers['idempotency-key']);
    if (key === null) return true;
    if (request.user === undefined) return false;
    try {
      return (await this.idempotencyKeys.find(request.user.userId, key)) !== null;
    } catch {
      // The database not answering this read is no reason to admit: the refusal stands.
      return false;
    }
  }
}
