import { applyDecorators, CanActivate, createParamDecorator, ExecutionContext, Injectable, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiSecurity } from '@nestjs/swagger';
import { type AuthenticatedUser, JwtAuthGuard } from '@kirim/platform';
import { Merchant } from '../merchant/merchant';
import { bearerMerchantKeyOf } from '../merchant/merchant-api-key';
import { MERCHANT_KEY_SCHEME, MerchantApiKeyGuard } from '../merchant/merchant-api-key.guard';

interface CallerRequest {
  headers: Record<string, string | string[] | undefined>;
  merchant?: Merchant;
  user?: AuthenticatedUser;
}

/** Who called: a merchant with its API key, or a user with their token. */
export type Requester = { readonly kind: 'merchant'; readonly merchant: Merchant } | { readonly kind: 'user'; readonly user: AuthenticatedUser };

/**
 * Lets in a merchant API key (MerchantApiKeyGuard) or a user's token (JwtAuthGuard), told apart by
 * the key's shape: a route both may call and answer differently (a merchant's collect request, or a
 * user's, which the scheme profile may refuse with its own problem rather than a bare 401).
 */
@Injectable()
export class MerchantKeyOrUserGuard implements CanActivate {
  constructor(
    private readonly merchantKeys: MerchantApiKeyGuard,
    private readonly users: JwtAuthGuard,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<CallerRequest>();
    if (bearerMerchantKeyOf(request.headers['authorization']) !== null) return this.merchantKeys.canActivate(context);
    return this.users.canActivate(context);
  }
}

/** A route for a merchant API key or a user's token; OpenAPI lists both (either one suffices). */
export function MerchantOrUserEndpoint(): MethodDecorator & ClassDecorator {
  return applyDecorators(UseGuards(MerchantKeyOrUserGuard), ApiSecurity(MERCHANT_KEY_SCHEME), ApiBearerAuth());
}

/** The caller MerchantKeyOrUserGuard let in. */
export const CurrentRequester = createParamDecorator((_data: unknown, context: ExecutionContext): Requester => {
  const request = context.switchToHttp().getRequest<CallerRequest>();
  if (request.merchant) return { kind: 'merchant', merchant: request.merchant };
  if (request.user) return { kind: 'user', user: request.user };
  // Only on a route without the guard: a bug.
  throw new Error('CurrentRequester on a route MerchantKeyOrUserGuard does not guard');
});
