import { HttpStatus } from '@nestjs/common';
import { PROBLEM_CODES } from '@kirim/contracts';
import { ProblemException } from '@kirim/platform';
import { parseIdempotencyKey } from './initiate-payment/payment-request-rules';
import { Payment } from './payment';
import { PaymentInitiatedResponse, toInitiatedResponse } from './payments.dto';

/** What a controller that starts a payment sets on its response (Express's, passed through). */
export interface StartedPaymentResponse {
  status(code: number): unknown;
  setHeader(name: string, value: string): unknown;
}

/**
 * The Idempotency-Key header every endpoint that starts a payment requires, or 400
 * idempotency-key-missing; `what` says what the key stands for there.
 */
export function requiredIdempotencyKey(header: string | undefined, what?: string): string {
  const key = parseIdempotencyKey(header);
  if (key === null) {
    const purpose = what === undefined ? '' : ` (${what})`;
    throw new ProblemException(HttpStatus.BAD_REQUEST, PROBLEM_CODES.IDEMPOTENCY_KEY_MISSING, `The Idempotency-Key header is required${purpose}: 1 to 64 characters of A-Z, a-z, 0-9, "_" or "-".`);
  }
  return key;
}

/** A payment started (202) or a retry answered with it (200), with its Location: one answer for every way in. */
export function answerStartedPayment(response: StartedPaymentResponse, started: { readonly payment: Payment; readonly replayed: boolean }): PaymentInitiatedResponse {
  response.status(started.replayed ? HttpStatus.OK : HttpStatus.ACCEPTED);
  response.setHeader('Location', `/v1/payments/${started.payment.id}`);
  return toInitiatedResponse(started.payment);
}
