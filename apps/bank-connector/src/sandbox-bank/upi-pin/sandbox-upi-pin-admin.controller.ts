import { Controller, Delete, HttpCode, HttpStatus, Param, UseGuards } from '@nestjs/common';
import { ApiNoContentResponse, ApiOperation, ApiSecurity, ApiTags } from '@nestjs/swagger';
import { PROBLEM_CODES } from '@kirim/contracts';
import { ApiProblems, GENERIC_PROBLEMS, ProblemException } from '@kirim/platform';
import { SANDBOX_ADMIN_SECURITY_SCHEME } from '../sandbox-admin.controller';
import { SandboxAdminGuard } from '../sandbox-admin.guard';
import { ResetSandboxUpiPin } from './reset-sandbox-upi-pin/reset-sandbox-upi-pin.use-case';
import { SandboxAccountRefParams } from './sandbox-upi-pin.dto';

/** The sandbox operator's PIN reset, beside the rest of the sandbox administration API (admin token). */
@ApiTags('sandbox administration')
// Declared as the security scheme the rest of the sandbox administration API uses (not as a plain header),
// so that clients and the authorization matrix (apps/e2e) see it as authenticated.
@ApiSecurity(SANDBOX_ADMIN_SECURITY_SCHEME)
@UseGuards(SandboxAdminGuard)
@Controller('sandbox/accounts')
export class SandboxUpiPinAdminController {
  constructor(private readonly resetSandboxUpiPin: ResetSandboxUpiPin) {}

  @Delete(':accountRef/upi-pin')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: "Reset an account's UPI PIN: the PIN and its wrong tries are cleared (a Z6 lock ends)", description: 'Problems: 401, 404 account-not-found.' })
  @ApiNoContentResponse()
  @ApiProblems(PROBLEM_CODES.UNAUTHENTICATED, PROBLEM_CODES.ACCOUNT_NOT_FOUND, ...GENERIC_PROBLEMS.input)
  async reset(@Param() params: SandboxAccountRefParams): Promise<void> {
    const outcome = await this.resetSandboxUpiPin.execute({ accountRef: params.accountRef });
    if (!outcome.ok) throw new ProblemException(HttpStatus.NOT_FOUND, PROBLEM_CODES.ACCOUNT_NOT_FOUND, 'No sandbox bank holds this account.');
  }
}
