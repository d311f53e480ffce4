import { Body, Controller, Get, HttpCode, HttpStatus, Patch, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PROBLEM_CODES } from '@kirim/contracts';
import { ApiProblems, ApiPublic, type AuthenticatedUser, CurrentUser, GENERIC_PROBLEMS, JwtAuthGuard, ProblemException } from '@kirim/platform';
import { toLinkedBankAccountResponse } from '../bank-accounts/bank-accounts.dto';
import type { LinkedBankAccount } from '../bank-accounts/linked-bank-account';
import { GetProfile } from './get-profile/get-profile.use-case';
import { RegisterUser } from './register-user/register-user.use-case';
import { SandboxLoginGuard } from './sandbox-login.guard';
import { StartSession } from './start-session/start-session.use-case';
import { UpdatePreferences } from './update-preferences/update-preferences.use-case';
import type { User } from './user';
import { MeResponse, RegisterUserRequest, StartSessionRequest, TokenResponse, UpdateMeRequest } from './users.dto';

const SANDBOX_NOTE =
  'LOCAL DEVELOPMENT ONLY: available when IDENTITY_SANDBOX_LOGIN=true (refused at boot in production), 404 otherwise. A phone number alone gets a token bound to no device; clients sign in with POST /v1/device-bindings.';

@ApiTags('users')
@Controller()
export class UsersController {
  constructor(
    private readonly registerUser: RegisterUser,
    private readonly startSession: StartSession,
    private readonly getProfile: GetProfile,
    private readonly updatePreferences: UpdatePreferences,
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
    if (!result.ok) throw unknownUser();
    return toMeResponse(result.user, result.bankAccounts);
  }

  @Patch('me')
  @UseGuards(JwtAuthGuard)
  @ApiBearerAuth()
  @ApiOperation({
    summary: "Set the caller's language and time zone.",
    description:
      'Receipts are written in them from the next one on (docs/notifications.md). A field left out is kept. A change is announced as identity.user.preferences-changed.v1; sending what is already stored changes and announces nothing.',
  })
  @ApiOkResponse({ type: MeResponse })
  @ApiProblems(...GENERIC_PROBLEMS.body, ...GENERIC_PROBLEMS.bearer)
  async updateMe(@CurrentUser() caller: AuthenticatedUser, @Body() body: UpdateMeRequest): Promise<MeResponse> {
    if (body.locale === undefined && body.timeZone === undefined) {
      throw new ProblemException(HttpStatus.BAD_REQUEST, PROBLEM_CODES.VALIDATION_FAILED, 'The request is not valid.', { errors: ['give locale, timeZone or both'] });
    }
    const result = await this.updatePreferences.execute({ userId: caller.userId, ...(body.locale !== undefined ? { locale: body.locale } : {}), ...(body.timeZone !== undefined ? { timeZone: body.timeZone } : {}) });
    if (!result.ok) {
      if (result.code === 'user-not-found') throw unknownUser();
      // The DTO refuses these first; the use case checks again, with the same functions.
      throw new ProblemException(HttpStatus.BAD_REQUEST, PROBLEM_CODES.VALIDATION_FAILED, 'The request is not valid.', { errors: [result.code === 'invalid-locale' ? 'locale must be a BCP 47 language tag' : 'timeZone must be an IANA time zone'] });
    }
    const profile = await this.getProfile.execute({ userId: caller.userId });
    if (!profile.ok) throw unknownUser();
    return toMeResponse(profile.user, profile.bankAccounts);
  }
}

function unknownUser(): ProblemException {
  return new ProblemException(HttpStatus.UNAUTHORIZED, PROBLEM_CODES.UNAUTHENTICATED, 'The token names a user that does not exist.');
}

function toMeResponse(user: User, bankAccounts: readonly LinkedBankAccount[]): MeResponse {
  return {
    userId: user.id,
    phone: user.phone,
    displayName: user.displayName,
    locale: user.preferences?.locale ?? null,
    timeZone: user.preferences?.timeZone ?? null,
    bankAccounts: bankAccounts.map(toLinkedBankAccountResponse),
  };
}
