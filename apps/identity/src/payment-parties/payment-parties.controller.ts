import { Controller, Get, HttpStatus, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PROBLEM_CODES } from '@kirim/contracts';
import { type AuthenticatedUser, CurrentUser, JwtAuthGuard, ProblemException } from '@kirim/platform';
import { PaymentPartiesQuery, PaymentPartiesResponse } from './payment-parties.dto';
import { PaymentPartiesFailure, ResolvePaymentParties } from './resolve-payment-parties/resolve-payment-parties.handler';

function problemFor(failure: PaymentPartiesFailure): ProblemException {
  switch (failure.code) {
    case 'payee-unknown':
      return new ProblemException(HttpStatus.NOT_FOUND, PROBLEM_CODES.PAYEE_NOT_FOUND, 'No user is registered with this phone number.', { resultCode: failure.resultCode });
    case 'payee-account-missing':
      return new ProblemException(HttpStatus.UNPROCESSABLE_ENTITY, PROBLEM_CODES.PAYEE_NOT_FOUND, 'The payee has not linked a bank account.', { resultCode: failure.resultCode });
    case 'payer-account-missing':
      return new ProblemException(HttpStatus.UNPROCESSABLE_ENTITY, PROBLEM_CODES.PAYER_ACCOUNT_MISSING, 'Link a bank account before paying.', { resultCode: failure.resultCode });
    case 'self-payment':
      return new ProblemException(HttpStatus.UNPROCESSABLE_ENTITY, PROBLEM_CODES.SELF_PAYMENT, 'The payer and the payee are the same user.');
    case 'payer-unknown':
      return new ProblemException(HttpStatus.UNAUTHORIZED, PROBLEM_CODES.UNAUTHENTICATED, 'The token names a user that does not exist.');
  }
}

/**
 * The synchronous question payments asks before a payment: which accounts move the money.
 * Payments calls it with the paying user's own bearer token for now; it will become an internal
 * endpoint authenticated with service credentials (and rate-limited against phone-number scanning).
 */
@ApiTags('payment-parties')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard)
@Controller('payment-parties')
export class PaymentPartiesController {
  constructor(private readonly resolvePaymentParties: ResolvePaymentParties) {}

  @Get()
  @ApiOperation({
    summary: "Resolve the caller (payer) and a payee phone number to their primary bank accounts.",
    description: 'Problems: 404 payee-not-found (resultCode ZH), 422 payer-account-missing (XH), 422 payee-not-found (XI, no linked account), 422 self-payment.',
  })
  @ApiOkResponse({ type: PaymentPartiesResponse })
  async resolve(@CurrentUser() caller: AuthenticatedUser, @Query() query: PaymentPartiesQuery): Promise<PaymentPartiesResponse> {
    const result = await this.resolvePaymentParties.execute({ payerUserId: caller.userId, payeePhone: query.payeePhone });
    if (!result.ok) throw problemFor(result);
    return { payer: result.payer, payee: result.payee };
  }
}
