import { ProblemException } from '@kirim/platform';
import { MerchantFailure } from './merchant-problems';

/** A use case's refusal as the problem+json the controller answers with (Retry-After included for a 429). */
export function problemOf(failure: MerchantFailure): ProblemException {
  return new ProblemException(failure.status, failure.code, failure.detail, {
    ...(failure.resultCode ? { resultCode: failure.resultCode } : {}),
    ...(failure.retryAfterSeconds !== undefined ? { retryAfterSeconds: failure.retryAfterSeconds } : {}),
  });
}
