import { Body, Controller, Delete, Get, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, Res, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PROBLEM_CODES } from '@kirim/contracts';
import { ApiProblems, type AuthenticatedUser, CurrentUser, GENERIC_PROBLEMS, JwtAuthGuard, ProblemException } from '@kirim/platform';
import { AddPaymentAddress, AddPaymentAddressFailure } from './add-payment-address/add-payment-address.use-case';
import { handleClaimProblem } from './handle-claim-problem';
import { ListPaymentAddresses } from './list-payment-addresses/list-payment-addresses.use-case';
import { MakePaymentAddressPrimary } from './make-payment-address-primary/make-payment-address-primary.use-case';
import { AddPaymentAddressRequest, PaymentAddressResponse, toPaymentAddressResponse } from './payment-addresses.dto';
import { RemovePaymentAddress } from './remove-payment-address/remove-payment-address.use-case';

interface StatusSettable {
  status(code: number): unknown;
}

function problemForAdd(failure: AddPaymentAddressFailure): ProblemException {
  switch (failure.code) {
    case 'limit-reached':
      return new ProblemException(HttpStatus.UNPROCESSABLE_ENTITY, PROBLEM_CODES.PAYMENT_ADDRESS_LIMIT, 'You already have as many payment addresses as allowed; remove one first.');
    case 'user-not-found':
      return new ProblemException(HttpStatus.UNAUTHORIZED, PROBLEM_CODES.UNAUTHENTICATED, 'The token names a user that does not exist.');
    case 'invalid':
    case 'reserved':
    case 'taken':
    case 'confusable':
      return handleClaimProblem(failure, 'Another address already has this handle.');
  }
}

const notFound = (): ProblemException => new ProblemException(HttpStatus.NOT_FOUND, PROBLEM_CODES.NOT_FOUND, 'You have no payment address with this id.');

@ApiTags('payment-addresses')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard)
@Controller('me/payment-addresses')
export class PaymentAddressesController {
  constructor(
    private readonly listPaymentAddresses: ListPaymentAddresses,
    private readonly addPaymentAddress: AddPaymentAddress,
    private readonly makePaymentAddressPrimary: MakePaymentAddressPrimary,
    private readonly removePaymentAddress: RemovePaymentAddress,
  ) {}

  @Get()
  @ApiOperation({ summary: "The caller's payment addresses (handle@kirim), primary first." })
  @ApiOkResponse({ type: [PaymentAddressResponse] })
  @ApiProblems(...GENERIC_PROBLEMS.input, ...GENERIC_PROBLEMS.bearer)
  async list(@CurrentUser() caller: AuthenticatedUser): Promise<PaymentAddressResponse[]> {
    return (await this.listPaymentAddresses.execute({ userId: caller.userId })).map(toPaymentAddressResponse);
  }

  @Post()
  @ApiOperation({
    summary: 'Add a custom payment address.',
    description: 'Idempotent for the caller: adding a handle the caller already holds answers 200 with it. The rules are in docs/payment-addresses.md.',
  })
  @ApiCreatedResponse({ type: PaymentAddressResponse, description: 'Added now.' })
  @ApiOkResponse({ type: PaymentAddressResponse, description: 'The caller already holds this handle.' })
  @ApiProblems(
    PROBLEM_CODES.PAYMENT_ADDRESS_INVALID,
    PROBLEM_CODES.PAYMENT_ADDRESS_RESERVED,
    PROBLEM_CODES.PAYMENT_ADDRESS_TAKEN,
    PROBLEM_CODES.PAYMENT_ADDRESS_CONFUSABLE,
    PROBLEM_CODES.PAYMENT_ADDRESS_LIMIT,
    ...GENERIC_PROBLEMS.body,
    ...GENERIC_PROBLEMS.bearer,
  )
  async add(
    @CurrentUser() caller: AuthenticatedUser,
    @Body() body: AddPaymentAddressRequest,
    @Res({ passthrough: true }) response: StatusSettable,
  ): Promise<PaymentAddressResponse> {
    const result = await this.addPaymentAddress.execute({ userId: caller.userId, handle: body.handle });
    if (!result.ok) throw problemForAdd(result);
    response.status(result.created ? HttpStatus.CREATED : HttpStatus.OK);
    return toPaymentAddressResponse(result.address);
  }

  @Post(':addressId/primary')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Make one of the caller\'s addresses the primary one.' })
  @ApiOkResponse({ type: PaymentAddressResponse })
  @ApiProblems(PROBLEM_CODES.NOT_FOUND, ...GENERIC_PROBLEMS.input, ...GENERIC_PROBLEMS.bearer)
  async makePrimary(@CurrentUser() caller: AuthenticatedUser, @Param('addressId', new ParseUUIDPipe()) addressId: string): Promise<PaymentAddressResponse> {
    const result = await this.makePaymentAddressPrimary.execute({ userId: caller.userId, addressId });
    if (!result.ok) throw notFound();
    return toPaymentAddressResponse(result.address);
  }

  @Delete(':addressId')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Remove one of the caller\'s addresses; the primary one cannot be removed.' })
  @ApiNoContentResponse({ description: 'Removed.' })
  @ApiProblems(PROBLEM_CODES.NOT_FOUND, PROBLEM_CODES.PAYMENT_ADDRESS_PRIMARY, ...GENERIC_PROBLEMS.input, ...GENERIC_PROBLEMS.bearer)
  async remove(@CurrentUser() caller: AuthenticatedUser, @Param('addressId', new ParseUUIDPipe()) addressId: string): Promise<void> {
    const result = await this.removePaymentAddress.execute({ userId: caller.userId, addressId });
    if (result.ok) return;
    if (result.code === 'primary') {
      throw new ProblemException(HttpStatus.CONFLICT, PROBLEM_CODES.PAYMENT_ADDRESS_PRIMARY, 'The primary address cannot be removed; make another one primary first.');
    }
    throw notFound();
  }
}
