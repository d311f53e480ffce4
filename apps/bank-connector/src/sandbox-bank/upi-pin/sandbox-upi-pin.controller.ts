import { Body, Controller, HttpCode, HttpStatus, Param, Put } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { INTERNAL_OPERATIONS, PROBLEM_CODES } from '@kirim/contracts';
import { ApiProblems, GENERIC_PROBLEMS, InternalEndpoint, ProblemException, SERVICE_TOKEN_SCHEME } from '@kirim/platform';
import { SetSandboxUpiPin } from './set-sandbox-upi-pin/set-sandbox-upi-pin.use-case';
import { SandboxAccountRefParams, SetUpiPinBody, SetUpiPinResponse } from './sandbox-upi-pin.dto';

/**
 * Internal (libs/contracts INTERNAL_OPERATIONS.SET_SANDBOX_UPI_PIN): identity calls this with its own
 * service token once it has checked that the account is linked to the calling user
 * (PUT /v1/me/bank-accounts/{id}/upi-pin). Not routed by the edge.
 */
@ApiTags('sandbox UPI PIN')
@ApiBearerAuth(SERVICE_TOKEN_SCHEME)
@Controller()
export class SandboxUpiPinController {
  constructor(private readonly setSandboxUpiPin: SetSandboxUpiPin) {}

  @Put(INTERNAL_OPERATIONS.SET_SANDBOX_UPI_PIN.path.slice(1))
  @InternalEndpoint(INTERNAL_OPERATIONS.SET_SANDBOX_UPI_PIN)
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: "Set or change a sandbox account's UPI PIN",
    description: 'Problems: 400 validation-failed, 404 account-not-found, 422 upi-pin-rejected (resultCode ZM, Z6 or U14).',
  })
  @ApiOkResponse({ type: SetUpiPinResponse })
  @ApiProblems(PROBLEM_CODES.ACCOUNT_NOT_FOUND, PROBLEM_CODES.UPI_PIN_REJECTED, ...GENERIC_PROBLEMS.body, ...GENERIC_PROBLEMS.serviceToken)
  async setPin(@Param() params: SandboxAccountRefParams, @Body() body: SetUpiPinBody): Promise<SetUpiPinResponse> {
    const outcome = await this.setSandboxUpiPin.execute({ accountRef: params.accountRef, encryptedPin: body.encryptedPin });
    if (outcome.ok) return { change: outcome.change };
    if (outcome.kind === 'account-not-found') {
      throw new ProblemException(HttpStatus.NOT_FOUND, PROBLEM_CODES.ACCOUNT_NOT_FOUND, 'No sandbox bank holds this account.');
    }
    // The reason names what was wrong with the block, never anything of the PIN.
    throw new ProblemException(HttpStatus.UNPROCESSABLE_ENTITY, PROBLEM_CODES.UPI_PIN_REJECTED, `The bank did not accept the PIN: ${outcome.reason}.`, {
      resultCode: outcome.resultCode,
    });
  }
}
