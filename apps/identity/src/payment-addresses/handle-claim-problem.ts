import { HttpStatus } from '@nestjs/common';
import { PROBLEM_CODES } from '@kirim/contracts';
import { ProblemException } from '@kirim/platform';

/** Why a handle cannot be claimed, by a user or for a merchant: the rules and the collisions both share. */
export type HandleClaimFailure = { readonly code: 'invalid' | 'reserved'; readonly reason: string } | { readonly code: 'taken' | 'confusable' };

/** The problem for a refused claim, the same for users and merchants (payments passes it on as it is). */
export function handleClaimProblem(failure: HandleClaimFailure, takenDetail: string): ProblemException {
  switch (failure.code) {
    case 'invalid':
      return new ProblemException(HttpStatus.UNPROCESSABLE_ENTITY, PROBLEM_CODES.PAYMENT_ADDRESS_INVALID, failure.reason);
    case 'reserved':
      return new ProblemException(HttpStatus.UNPROCESSABLE_ENTITY, PROBLEM_CODES.PAYMENT_ADDRESS_RESERVED, failure.reason);
    case 'taken':
      return new ProblemException(HttpStatus.CONFLICT, PROBLEM_CODES.PAYMENT_ADDRESS_TAKEN, takenDetail);
    case 'confusable':
      return new ProblemException(HttpStatus.CONFLICT, PROBLEM_CODES.PAYMENT_ADDRESS_CONFUSABLE, 'The handle can be mistaken for an existing address; choose another.');
  }
}
