import { Injectable } from '@nestjs/common';
import { IssuedToken, TokenIssuer } from '../../tokens/token-issuer';
import { UserRepository } from '../user.repository';

export interface StartSessionCommand {
  readonly phone: string;
}

export type StartSessionResult = { readonly ok: true; readonly userId: string; readonly token: IssuedToken } | { readonly ok: false; readonly code: 'user-not-found' };

/**
 * Issues a token for an existing user by phone number alone. Sandbox only: without OTP and device
 * binding, anyone who knows a number could log in as its owner.
 */
@Injectable()
export class StartSession {
  constructor(
    private readonly users: UserRepository,
    private readonly tokens: TokenIssuer,
  ) {}

  async execute(command: StartSessionCommand): Promise<StartSessionResult> {
    const user = await this.users.findByPhone(command.phone);
    if (!user) return { ok: false, code: 'user-not-found' };
    return { ok: true, userId: user.id, token: await this.tokens.issueAccessToken(user.id) };
  }
}
