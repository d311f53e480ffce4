import { Body, Controller, HttpStatus, Post, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { INTERNAL_OPERATIONS, PROBLEM_CODES } from '@kirim/contracts';
import { ApiProblems, GENERIC_PROBLEMS, InternalEndpoint, ProblemException, SERVICE_TOKEN_SCHEME } from '@kirim/platform';
import { MerchantAddressReservationResponse, ReserveMerchantAddressBody } from './merchant-addresses.dto';
import { handleClaimProblem } from './handle-claim-problem';
import { formatPaymentAddress } from './payment-address';
import { ReserveMerchantAddress, ReserveMerchantAddressFailure } from './reserve-merchant-address/reserve-merchant-address.use-case';

interface StatusSettable {
  status(code: number): unknown;
}

/** The same problems a user adding an address gets, so payments can pass them on to the merchant's owner as they are. */
function problemFor(failure: ReserveMerchantAddressFailure): ProblemException {
  // Not 401: the caller (payments) authenticated fine; the owner it names has no account here.
  if (failure.code === 'owner-not-found') return new ProblemException(HttpStatus.UNPROCESSABLE_ENTITY, PROBLEM_CODES.VALIDATION_FAILED, 'ownerUserId: no registered user has this id.');
  return handleClaimProblem(failure, 'Another user or merchant already has this handle, or this merchant holds another address.');
}

/**
 * Merchants' addresses (docs/merchants.md). Internal (libs/contracts
 * INTERNAL_OPERATIONS.RESERVE_MERCHANT_ADDRESS): payments reserves a merchant's handle when it
 * onboards the merchant, with its own service token; no user can ask it.
 */
@ApiTags('merchant-addresses')
@ApiBearerAuth(SERVICE_TOKEN_SCHEME)
@Controller()
export class MerchantAddressesController {
  constructor(private readonly reserveMerchantAddress: ReserveMerchantAddress) {}

  @Post(INTERNAL_OPERATIONS.RESERVE_MERCHANT_ADDRESS.path.slice(1))
  @InternalEndpoint(INTERNAL_OPERATIONS.RESERVE_MERCHANT_ADDRESS)
  @ApiOperation({
    summary: "Hold a merchant's address handle@kirim for that merchant, so no user or other merchant can take it or a look-alike of it.",
    description: 'Idempotent per merchant: the same merchant id, owner and handle again answers 200 with the reservation.',
  })
  @ApiCreatedResponse({ type: MerchantAddressReservationResponse, description: 'Reserved now.' })
  @ApiOkResponse({ type: MerchantAddressReservationResponse, description: 'This merchant already held this address.' })
  @ApiProblems(
    PROBLEM_CODES.PAYMENT_ADDRESS_INVALID,
    PROBLEM_CODES.PAYMENT_ADDRESS_RESERVED,
    PROBLEM_CODES.PAYMENT_ADDRESS_TAKEN,
    PROBLEM_CODES.PAYMENT_ADDRESS_CONFUSABLE,
    ...GENERIC_PROBLEMS.body,
    ...GENERIC_PROBLEMS.serviceToken,
  )
  async reserve(@Body() body: ReserveMerchantAddressBody, @Res({ passthrough: true }) response: StatusSettable): Promise<MerchantAddressReservationResponse> {
    const result = await this.reserveMerchantAddress.execute({ ownerUserId: body.ownerUserId, merchantId: body.merchantId, handle: body.handle });
    if (!result.ok) throw problemFor(result);
    response.status(result.created ? HttpStatus.CREATED : HttpStatus.OK);
    return { merchantId: body.merchantId, ownerUserId: result.address.userId, address: formatPaymentAddress(result.address.handle) };
  }
}
