import { ProblemException, toProblemException } from '@kirim/platform';
import { MerchantFailure } from './merchant-problems';

/** A use case's refusal as the problem+json the controller answers with (Retry-After included for a 429). */
export function problemOf(failure: MerchantFailure): ProblemException {
  return toProblemException(failure);
}
