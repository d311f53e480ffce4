import { Body, Controller, Get, HttpCode, HttpStatus, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { INTERNAL_OPERATIONS, PartyResolutionProblem, PROBLEM_CODES, RESULT_CODES, ResolvePaymentPartiesQuery } from '@kirim/contracts';
import { ApiProblems, GENERIC_PROBLEMS, InternalEndpoint, ProblemException, SERVICE_TOKEN_SCHEME } from '@kirim/platform';
import { PaymentPartiesBatchRequest, PaymentPartiesQuery, PaymentPartiesResponse, PaymentPartiesBatchResponse } from './payment-parties.dto';
import { PaymentPartiesFailure, ResolvePaymentParties, ResolvePaymentPartiesCommand } from './resolve-payment-parties/resolve-payment-parties.use-case';

/** Said to the payer as it is: payments passes identity's refusals on. */
const PAYEE_IS_MERCHANT_DETAIL = "This address is a merchant's, not a person's: pay the merchant through its order or collect request in the chat.";

/** A refusal as the single operation answers it (problem+json) and as the batch answers one of its items. */
function problemFor(failure: PaymentPartiesFailure): PartyResolutionProblem {
  switch (failure.code) {
    case 'payee-unknown':
      return { status: HttpStatus.NOT_FOUND, code: PROBLEM_CODES.PAYEE_NOT_FOUND, detail: 'No user is registered with this phone number or address.', resultCode: failure.resultCode };
    case 'payee-account-missing':
      return { status: HttpStatus.UNPROCESSABLE_ENTITY, code: PROBLEM_CODES.PAYEE_NOT_FOUND, detail: 'The payee has not linked a bank account.', resultCode: failure.resultCode };
    case 'payer-account-missing':
      return { status: HttpStatus.UNPROCESSABLE_ENTITY, code: PROBLEM_CODES.PAYER_ACCOUNT_MISSING, detail: 'Link a bank account before paying.', resultCode: failure.resultCode };
    case 'self-payment':
      return { status: HttpStatus.UNPROCESSABLE_ENTITY, code: PROBLEM_CODES.SELF_PAYMENT, detail: 'The payer and the payee are the same user.' };
    case 'payee-is-merchant':
      return { status: HttpStatus.UNPROCESSABLE_ENTITY, code: PROBLEM_CODES.PAYEE_IS_MERCHANT, detail: PAYEE_IS_MERCHANT_DETAIL };
    case 'rate-limited':
      return {
        status: HttpStatus.TOO_MANY_REQUESTS,
        code: PROBLEM_CODES.RATE_LIMITED,
        detail: `Too many payee lookups; retry after ${failure.retryAfterSeconds} seconds.`,
        retryAfterSeconds: failure.retryAfterSeconds,
      };
    case 'payer-unknown':
      // Not 401: the caller (payments) authenticated fine; the user it names has no account here.
      return { status: HttpStatus.UNPROCESSABLE_ENTITY, code: PROBLEM_CODES.PAYER_ACCOUNT_MISSING, detail: 'The payer is not a registered user.', resultCode: RESULT_CODES.REMITTER_ACCOUNT_MISSING };
  }
}

/** The command for one lookup, or null when it names the payee by both or neither (a JSON null names nothing). */
function commandOf(query: ResolvePaymentPartiesQuery): ResolvePaymentPartiesCommand | null {
  const { payerUserId, payeePhone, payeeAddress } = query;
  if ((payeePhone == null) === (payeeAddress == null)) return null;
  return payeePhone != null ? { payerUserId, payeePhone } : { payerUserId, payeeAddress: payeeAddress as string };
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
    const command = commandOf(query);
    if (command === null) throw new ProblemException(HttpStatus.BAD_REQUEST, PROBLEM_CODES.VALIDATION_FAILED, 'Give exactly one of the query parameters payeePhone and payeeAddress.');
    const result = await this.resolvePaymentParties.execute(command);
    if (!result.ok) {
      const { status, code, detail, ...extras } = problemFor(result);
      throw new ProblemException(status, code, detail, extras);
    }
    return { payer: result.payer, payee: result.payee };
  }

  /**
   * The same question for several payers at once: payments sends the lookups that waited while its
   * other calls were out, so one request (one token check, one log line) serves them all. Each is
   * resolved as the single operation would, one after another in the order asked, so one payer's
   * lookups draw on their anti-scan bucket in that order; each answer is its parties or its problem.
   */
  @Post(INTERNAL_OPERATIONS.RESOLVE_PAYMENT_PARTIES_BATCH.path.slice(1))
  @HttpCode(HttpStatus.OK)
  @InternalEndpoint(INTERNAL_OPERATIONS.RESOLVE_PAYMENT_PARTIES_BATCH)
  @ApiOperation({ summary: 'Resolve several payers and payees at once; each result is the parties or the problem the single operation would answer.' })
  @ApiOkResponse({ type: PaymentPartiesBatchResponse })
  @ApiProblems(...GENERIC_PROBLEMS.input, ...GENERIC_PROBLEMS.serviceToken)
  async resolveMany(@Body() body: PaymentPartiesBatchRequest): Promise<PaymentPartiesBatchResponse> {
    const results: PaymentPartiesBatchResponse['results'] = [];
    for (const item of body.items) {
      const command = commandOf(item);
      if (command === null) {
        results.push({ problem: { status: HttpStatus.BAD_REQUEST, code: PROBLEM_CODES.VALIDATION_FAILED, detail: 'Give exactly one of payeePhone and payeeAddress.' } });
        continue;
      }
      const result = await this.resolvePaymentParties.execute(command);
      results.push(result.ok ? { parties: { payer: result.payer, payee: result.payee } } : { problem: problemFor(result) });
    }
    return { results };
  }
}
