import { Body, Controller, HttpCode, HttpStatus, Param, Put, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PROBLEM_CODES } from '@kirim/contracts';
import { ApiProblems, type AuthenticatedUser, CurrentUser, GENERIC_PROBLEMS, JwtAuthGuard, ProblemException } from '@kirim/platform';
import { SetUpiPin } from './set-upi-pin/set-upi-pin.use-case';
import { LinkedAccountParams, SetUpiPinRequest, SetUpiPinResponse } from './upi-pin.dto';

@ApiTags('bank-accounts')
@ApiBearerAuth()
@UseGuards(JwtAuthGuard)
@Controller('me/bank-accounts')
export class UpiPinController {
  constructor(private readonly setUpiPin: SetUpiPin) {}

  @Put(':linkedAccountId/upi-pin')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Set the UPI PIN of a linked account, or change it with the current one',
    description:
      "The PIN block is encrypted on the device for the account's bank, which alone opens and checks it (docs/upi-pin.md). " +
      'A PIN locked after three wrong tries (Z6) cannot be changed, only reset by the bank.',
  })
  @ApiOkResponse({ type: SetUpiPinResponse })
  @ApiProblems(...GENERIC_PROBLEMS.body, ...GENERIC_PROBLEMS.bearer, PROBLEM_CODES.ACCOUNT_NOT_FOUND, PROBLEM_CODES.UPI_PIN_REJECTED)
  async set(
    @CurrentUser() caller: AuthenticatedUser,
    @Param() params: LinkedAccountParams,
    @Body() body: SetUpiPinRequest,
  ): Promise<SetUpiPinResponse> {
    const outcome = await this.setUpiPin.execute({
      userId: caller.userId,
      linkedAccountId: params.linkedAccountId,
      encryptedPin: body.encryptedPin,
    });
    if (outcome.ok) return { change: outcome.change };
    switch (outcome.kind) {
      case 'not-linked':
        throw new ProblemException(HttpStatus.NOT_FOUND, PROBLEM_CODES.ACCOUNT_NOT_FOUND, 'You have no linked bank account with this id.');
      case 'not-supported':
        throw new ProblemException(HttpStatus.NOT_FOUND, PROBLEM_CODES.ACCOUNT_NOT_FOUND, "This account's bank does not take UPI PIN changes through kirim; set the PIN with your bank.");
      case 'rejected':
        throw new ProblemException(HttpStatus.UNPROCESSABLE_ENTITY, PROBLEM_CODES.UPI_PIN_REJECTED, outcome.detail, { resultCode: outcome.resultCode });
      case 'unavailable':
        throw new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, PROBLEM_CODES.DEPENDENCY_UNAVAILABLE, 'The bank cannot be asked right now; try again shortly.');
      default: {
        const unhandled: never = outcome;
        throw new Error(`unhandled outcome ${JSON.stringify(unhandled)}`);
      }
    }
  }
}
