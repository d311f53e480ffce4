import { Controller, Get, HttpStatus, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { INTERNAL_OPERATIONS, PROBLEM_CODES, RESULT_CODES } from '@kirim/contracts';
import { ApiProblems, GENERIC_PROBLEMS, InternalEndpoint, ProblemException, SERVICE_TOKEN_SCHEME } from '@kirim/platform';
import { PaymentPartiesQuery, PaymentPartiesResponse } from './payment-parties.dto';
import { PaymentPartiesFailure, ResolvePaymentParties } from './resolve-payment-parties/resolve-payment-parties.use-case';

/** Said to the payer as it is: payments passes identity's refusals on. */
const PAYEE_IS_MERCHANT_DETAIL = "This address is a merchant's, not a person's: pay the merchant through its order or collect request in the chat.";

function problemFor(failure: PaymentPartiesFailure): ProblemException {
  switch (failure.code) {
    case 'payee-unknown':
      return new ProblemException(HttpStatus.NOT_FOUND, PROBLEM_CODES.PAYEE_NOT_FOUND, 'No user is registered with this phone number or address.', { resultCode: failure.resultCode });
    case 'payee-account-missing':
      return new ProblemException(HttpStatus.UNPROCESSABLE_ENTITY, PROBLEM_CODES.PAYEE_NOT_FOUND, 'The payee has not linked a bank account.', { resultCode: failure.resultCode });
    case 'payer-account-missing':
      return new ProblemException(HttpStatus.UNPROCESSABLE_ENTITY, PROBLEM_CODES.PAYER_ACCOUNT_MISSING, 'Link a bank account before paying.', { resultCode: failure.resultCode });
    case 'self-payment':
      return new ProblemException(HttpStatus.UNPROCESSABLE_ENTITY, PROBLEM_CODES.SELF_PAYMENT, 'The payer and the payee are the same user.');
    case 'payee-is-merchant':
      return new ProblemException(HttpStatus.UNPROCESSABLE_ENTITY, PROBLEM_CODES.PAYEE_IS_MERCHANT, PAYEE_IS_MERCHANT_DETAIL);
    case 'rate-limited':
      return new ProblemException(HttpStatus.TOO_MANY_REQUESTS, PROBLEM_CODES.RATE_LIMITED, `Too many payee lookups; retry after ${failure.retryAfterSeconds} seconds.`, {
        retryAfterSeconds: failure.retryAfterSeconds,
      });
    case 'payer-unknown':
      // Not 401: the caller (payments) authenticated fine; the user it names has no account here.
      return new ProblemException(HttpStatus.UNPROCESSABLE_ENTITY, PROBLEM_CODES.PAYER_ACCOUNT_MISSING, 'The payer is not a registered user.', { resultCode: RESULT_CODES.REMITTER_ACCOUNT_MISSING });
  }
}

/**
 * The synchronous question payments asks before a payment: which accounts move the money. Internal
 * (libs/contracts INTERNAL_OPERATIONS.RESOLVE_PAYMENT_PARTIES): payments calls it with its own service
 * token and names the payer it authenticated; no user can ask it, so it lists no accounts to a user.
 */
@ApiTags('payment-parties')
@ApiBearerAuth(SERVICE_TOKEN_SCHEME)
@Controller()
export class PaymentPartiesController {
  constructor(private readonly resolvePaymentParties: ResolvePaymentParties) {}

  @Get(INTERNAL_OPERATIONS.RESOLVE_PAYMENT_PARTIES.path.slice(1))
  @InternalEndpoint(INTERNAL_OPERATIONS.RESOLVE_PAYMENT_PARTIES)
  @ApiOperation({ summary: 'Resolve a payer (by user id) and a payee (by phone number or payment address) to their primary bank accounts.' })
  @ApiOkResponse({ type: PaymentPartiesResponse })
  @ApiProblems(
    PROBLEM_CODES.PAYEE_NOT_FOUND,
    PROBLEM_CODES.PAYER_ACCOUNT_MISSING,
    PROBLEM_CODES.SELF_PAYMENT,
    PROBLEM_CODES.PAYEE_IS_MERCHANT,
    PROBLEM_CODES.RATE_LIMITED,
    ...GENERIC_PROBLEMS.input,
    ...GENERIC_PROBLEMS.serviceToken,
  )
  async resolve(@Query() query: PaymentPartiesQuery): Promise<PaymentPartiesResponse> {
    if ((query.payeePhone === undefined) === (query.payeeAddress === undefined)) {
      throw new ProblemException(HttpStatus.BAD_REQUEST, PROBLEM_CODES.VALIDATION_FAILED, 'Give exactly one of the query parameters payeePhone and payeeAddress.');
    }
    const payee = query.payeePhone !== undefined ? { payeePhone: query.payeePhone } : { payeeAddress: query.payeeAddress as string };
    const result = await this.resolvePaymentParties.execute({ payerUserId: query.payerUserId, ...payee });
    if (!result.ok) throw problemFor(result);
    return { payer: result.payer, payee: result.payee };
  }
}
