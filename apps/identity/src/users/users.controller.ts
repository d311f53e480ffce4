import { Body, Controller, Get, HttpCode, HttpStatus, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PROBLEM_CODES } from '@kirim/contracts';
import { ApiProblems, ApiPublic, type AuthenticatedUser, CurrentUser, GENERIC_PROBLEMS, JwtAuthGuard, ProblemException } from '@kirim/platform';
import { toLinkedBankAccountResponse } from '../bank-accounts/bank-accounts.dto';
import { GetProfile } from './get-profile/get-profile.use-case';
import { RegisterUser } from './register-user/register-user.use-case';
import { SandboxLoginGuard } from './sandbox-login.guard';
import { StartSession } from './start-session/start-session.use-case';
import { MeResponse, RegisterUserRequest, StartSessionRequest, TokenResponse } from './users.dto';

const SANDBOX_NOTE =
  'LOCAL DEVELOPMENT ONLY: available when IDENTITY_SANDBOX_LOGIN=true (refused at boot in production), 404 otherwise. A phone number alone gets a token bound to no device; clients sign in with POST /v1/device-bindings.';

@ApiTags('users')
@Controller()
export class UsersController {
  constructor(
    private readonly registerUser: RegisterUser,
    private readonly startSession: StartSession,
    private readonly getProfile: GetProfile,
  ) {}

  @Post('users')
  @UseGuards(SandboxLoginGuard)
  @ApiOperation({ summary: 'Register a user by phone number and get an access token.', description: SANDBOX_NOTE })
  @ApiCreatedResponse({ type: TokenResponse })
  @ApiPublic()
  @ApiProblems(PROBLEM_CODES.ALREADY_REGISTERED, PROBLEM_CODES.NOT_FOUND, ...GENERIC_PROBLEMS.body)
  async register(@Body() body: RegisterUserRequest): Promise<TokenResponse> {
    const result = await this.registerUser.execute({ phone: body.phone, displayName: body.displayName });
    if (!result.ok) throw new ProblemException(HttpStatus.CONFLICT, PROBLEM_CODES.ALREADY_REGISTERED, 'A user with this phone number is already registered.');
    return { userId: result.userId, ...result.token };
  }

  @Post('sessions')
  @HttpCode(HttpStatus.OK)
  @UseGuards(SandboxLoginGuard)
  @ApiOperation({ summary: 'Get an access token for an existing user by phone number.', description: SANDBOX_NOTE })
  @ApiOkResponse({ type: TokenResponse })
  @ApiPublic()
  @ApiProblems(PROBLEM_CODES.NOT_FOUND, ...GENERIC_PROBLEMS.body)
  async createSession(@Body() body: StartSessionRequest): Promise<TokenResponse> {
    const result = await this.startSession.execute({ phone: body.phone });
    if (!result.ok) throw new ProblemException(HttpStatus.NOT_FOUND, PROBLEM_CODES.NOT_FOUND, 'No user is registered with this phone number.');
    return { userId: result.userId, ...result.token };
  }

  @Get('me')
  @UseGuards(JwtAuthGuard)
  @ApiBearerAuth()
  @ApiOperation({ summary: "The caller's profile and linked bank accounts." })
  @ApiOkResponse({ type: MeResponse })
  @ApiProblems(...GENERIC_PROBLEMS.input, ...GENERIC_PROBLEMS.bearer)
  async me(@CurrentUser() caller: AuthenticatedUser): Promise<MeResponse> {
    const result = await this.getProfile.execute({ userId: caller.userId });
    if (!result.ok) throw new ProblemException(HttpStatus.UNAUTHORIZED, PROBLEM_CODES.UNAUTHENTICATED, 'The token names a user that does not exist.');
    return {
      userId: result.user.id,
      phone: result.user.phone,
      displayName: result.user.displayName,
      bankAccounts: result.bankAccounts.map(toLinkedBankAccountResponse),
    };
  }
}
