import type { INestApplication } from '@nestjs/common';
import { EarlyMiddleware, writeFailure } from '@kirim/platform';
import { countAdmissionRefusal } from './saga-admission-metrics';
import { inFlightRefusal } from './saga-admission.guard';
import { SagaAdmission } from './saga-admission';

/**
 * The routes that start a payment for a payer (each has SagaAdmissionGuard), as Express sees their
 * path: under the `/v1` prefix, any letter case and an optional trailing slash, as Express routes
 * them. A spec checks these against the controllers, so a route added with the guard is added here.
 */
export const ROUTES_STARTING_A_PAYMENT: readonly RegExp[] = [
  /^\/v1\/payments\/?$/i,
  /^\/v1\/collect-requests\/[^/]+\/approve\/?$/i,
  /^\/v1\/merchant-orders\/[^/]+\/payment\/?$/i,
];

export function startsAPayment(method: string | undefined, path: string): boolean {
  return method === 'POST' && ROUTES_STARTING_A_PAYMENT.some((route) => route.test(path));
}

/**
 * While this replica already works on PAYMENT_ADMISSION_MAX_IN_FLIGHT requests to start a payment,
 * the next is refused here, before its body is read, its route found or its token checked: under
 * overload the refusals come by the hundred, and each used to cost the whole request pipeline
 * (docs/benchmarks.md, fifteenth pass). The answer is SagaAdmissionGuard's for the same case
 * (503 payments-overloaded, Retry-After 1), counted the same way. Nothing is entered here: a
 * request takes its place in the guard, after its token (a client without one holds none), so this
 * is a look at the count, and the guard still refuses one that arrives as the last place is taken.
 * Not logged line by line (the refusals counter says how many).
 */
export function refuseWhileFull(admission: SagaAdmission): EarlyMiddleware {
  return (request, response, next) => {
    if (!admission.isFull() || !startsAPayment(request.method, request.path)) {
      next();
      return;
    }
    countAdmissionRefusal('in-flight');
    writeFailure(response, inFlightRefusal(admission.policy.maxInFlight), request.path);
  };
}

/** createServiceApp's `beforeBody` for payments: the early refusal while full. */
export function admissionBeforeBody(app: INestApplication): readonly EarlyMiddleware[] {
  return [refuseWhileFull(app.get(SagaAdmission))];
}
