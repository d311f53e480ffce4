import { Body, Controller, HttpCode, HttpStatus, Param, ParseUUIDPipe, Post, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { PROBLEM_CODES } from '@kirim/contracts';
import { ApiProblems, ApiPublic, type AuthenticatedUser, CurrentUser, GENERIC_PROBLEMS, JwtAuthGuard, ProblemException } from '@kirim/platform';
import { CompleteDeviceBinding } from './complete-device-binding/complete-device-binding.use-case';
import {
  CompleteDeviceBindingRequest,
  DeviceBindingResponse,
  RefreshSessionRequest,
  RequestDeviceBindingRequest,
  SessionTokensResponse,
} from './device-bindings.dto';
import { RefreshSession } from './refresh-session/refresh-session.use-case';
import { RequestDeviceBinding } from './request-device-binding/request-device-binding.use-case';
import type { SessionTokens } from './session-tokens';
import { SignOut } from './sign-out/sign-out.use-case';

function rateLimited(retryAfterSeconds: number): ProblemException {
  return new ProblemException(HttpStatus.TOO_MANY_REQUESTS, PROBLEM_CODES.RATE_LIMITED, `Too many attempts; retry after ${retryAfterSeconds} seconds.`, { retryAfterSeconds });
}

function toSessionResponse(tokens: SessionTokens): SessionTokensResponse {
  return { userId: tokens.userId, bindingId: tokens.bindingId, ...tokens.access, refreshToken: tokens.refreshToken, refreshExpiresIn: tokens.refreshExpiresIn };
}

const FLOW = 'See docs/device-binding.md for the whole flow.';

@ApiTags('device-bindings')
@Controller()
export class DeviceBindingsController {
  constructor(
    private readonly requestBinding: RequestDeviceBinding,
    private readonly completeBinding: CompleteDeviceBinding,
    private readonly refreshSession: RefreshSession,
    private readonly signOut: SignOut,
  ) {}

  @Post('device-bindings')
  @ApiOperation({
    summary: 'Start binding this device to a phone number.',
    description: `Returns a one-time token the device sends by SMS, from the SIM of that number, to the platform's virtual number. ${FLOW}`,
  })
  @ApiCreatedResponse({ type: DeviceBindingResponse })
  @ApiPublic()
  @ApiProblems(PROBLEM_CODES.RATE_LIMITED, ...GENERIC_PROBLEMS.body)
  async request(@Body() body: RequestDeviceBindingRequest): Promise<DeviceBindingResponse> {
    const result = await this.requestBinding.execute({ phone: body.phone, deviceId: body.deviceId, devicePublicKey: body.devicePublicKey });
    if (result.ok) return { bindingId: result.bindingId, bindingToken: result.bindingToken, smsTo: result.smsTo, expiresAt: result.expiresAt.toISOString() };
    if (result.code === 'rate-limited') throw rateLimited(result.retryAfterSeconds);
    throw new ProblemException(HttpStatus.BAD_REQUEST, PROBLEM_CODES.VALIDATION_FAILED, 'The request is not valid.', { errors: [result.reason] });
  }

  @Post('device-bindings/:bindingId/tokens')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Complete a binding confirmed by SMS: prove the device key, get tokens.',
    description: `Creates the user on their first binding and revokes every other device of the user. ${FLOW}`,
  })
  @ApiOkResponse({ type: SessionTokensResponse })
  @ApiPublic()
  @ApiProblems(PROBLEM_CODES.DEVICE_BINDING_NOT_CONFIRMED, PROBLEM_CODES.DEVICE_PROOF_INVALID, PROBLEM_CODES.RATE_LIMITED, ...GENERIC_PROBLEMS.body)
  async complete(
    @Param('bindingId', new ParseUUIDPipe({ exceptionFactory: () => new ProblemException(HttpStatus.BAD_REQUEST, PROBLEM_CODES.VALIDATION_FAILED, 'bindingId must be a UUID.') }))
    bindingId: string,
    @Body() body: CompleteDeviceBindingRequest,
  ): Promise<SessionTokensResponse> {
    const result = await this.completeBinding.execute({ bindingId, proof: body.proof, displayName: body.displayName });
    if (result.ok) return { ...toSessionResponse(result), userCreated: result.userCreated };
    switch (result.code) {
      case 'rate-limited':
        throw rateLimited(result.retryAfterSeconds);
      case 'device-binding-not-confirmed':
        throw new ProblemException(HttpStatus.CONFLICT, PROBLEM_CODES.DEVICE_BINDING_NOT_CONFIRMED, 'This binding is not waiting for completion: not confirmed by SMS yet, expired, completed or revoked.');
      case 'device-proof-invalid':
        throw new ProblemException(HttpStatus.UNAUTHORIZED, PROBLEM_CODES.DEVICE_PROOF_INVALID, "The proof is not a fresh, unused JWS by this binding's device key.");
    }
  }

  @Post('tokens/refresh')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: 'Exchange a refresh token and a fresh device proof for new tokens.',
    description: `Refresh tokens rotate on every use; presenting a used one revokes the device binding. ${FLOW}`,
  })
  @ApiOkResponse({ type: SessionTokensResponse })
  @ApiPublic()
  @ApiProblems(PROBLEM_CODES.REFRESH_TOKEN_INVALID, PROBLEM_CODES.DEVICE_PROOF_INVALID, ...GENERIC_PROBLEMS.body)
  async refresh(@Body() body: RefreshSessionRequest): Promise<SessionTokensResponse> {
    const result = await this.refreshSession.execute({ refreshToken: body.refreshToken, proof: body.proof });
    if (result.ok) return toSessionResponse(result);
    switch (result.code) {
      case 'refresh-token-reused':
        throw new ProblemException(HttpStatus.UNAUTHORIZED, PROBLEM_CODES.REFRESH_TOKEN_INVALID, 'This refresh token was already used; the device binding has been revoked. Bind the device again.');
      case 'refresh-token-invalid':
        throw new ProblemException(HttpStatus.UNAUTHORIZED, PROBLEM_CODES.REFRESH_TOKEN_INVALID, 'The refresh token is unknown, expired or revoked.');
      case 'device-proof-invalid':
        throw new ProblemException(HttpStatus.UNAUTHORIZED, PROBLEM_CODES.DEVICE_PROOF_INVALID, "The proof is not a fresh, unused JWS by this binding's device key.");
    }
  }

  @Post('me/sign-out')
  @HttpCode(HttpStatus.NO_CONTENT)
  @UseGuards(JwtAuthGuard)
  @ApiBearerAuth()
  @ApiOperation({
    summary: 'Sign out of this device: revoke the binding the access token was issued to.',
    description: `Its refresh tokens stop working at once, its access tokens at identity at once and at the other services within the revocation bound. When no other device of the user is left, identity.user.app-presence-changed.v1 announces hasApp false (receipts then go by SMS). Signing out again with the same token is 401, as for any revoked device. A sandbox-login token is bound to no device: 409. ${FLOW}`,
  })
  @ApiNoContentResponse({ description: 'Signed out.' })
  @ApiProblems(PROBLEM_CODES.CONFLICT, ...GENERIC_PROBLEMS.input, ...GENERIC_PROBLEMS.bearer)
  async signOutOfThisDevice(@CurrentUser() caller: AuthenticatedUser): Promise<void> {
    if (caller.deviceBindingId === null) {
      throw new ProblemException(HttpStatus.CONFLICT, PROBLEM_CODES.CONFLICT, 'This token is bound to no device (sandbox login): there is nothing to sign out of; it lasts until it expires.');
    }
    const result = await this.signOut.execute({ userId: caller.userId, bindingId: caller.deviceBindingId });
    // The guard found the binding active; a concurrent sign-out of the same device got there first.
    if (!result.ok) throw new ProblemException(HttpStatus.UNAUTHORIZED, PROBLEM_CODES.UNAUTHENTICATED, 'The device this token was issued to is no longer bound.');
  }
}
