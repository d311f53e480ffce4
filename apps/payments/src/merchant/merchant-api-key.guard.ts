import { applyDecorators, CanActivate, createParamDecorator, ExecutionContext, HttpStatus, Injectable, UseGuards } from '@nestjs/common';
import { ApiSecurity } from '@nestjs/swagger';
import type { SecuritySchemeObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { PROBLEM_CODES } from '@kirim/contracts';
import { ProblemException } from '@kirim/platform';
import { AuthenticateMerchantApiKeyUseCase } from './authenticate-merchant-api-key/authenticate-merchant-api-key.use-case';
import { Merchant } from './merchant';
import { bearerMerchantKeyOf } from './merchant-api-key';

/** The OpenAPI security scheme of the merchant API (declared in main.ts). */
export const MERCHANT_KEY_SCHEME = 'merchantKey';

export const MERCHANT_KEY_SECURITY: SecuritySchemeObject = {
  type: 'http',
  scheme: 'bearer',
  description:
    "A merchant API key (docs/merchants.md), never a user token: `Authorization: Bearer kmk_...`, made by the merchant's owner at POST /v1/merchants/{merchantId}/api-keys and shown once. payments keeps only its SHA-256.",
};

interface MerchantRequest {
  headers: Record<string, string | string[] | undefined>;
  merchant?: Merchant;
}

/**
 * Marks a route as the merchant API: a merchant API key is required, and a user's token is refused
 * (a JWT never has a key's shape, just as a key is never a JWT for the user guard).
 */
export function MerchantEndpoint(): MethodDecorator & ClassDecorator {
  return applyDecorators(UseGuards(MerchantApiKeyGuard), ApiSecurity(MERCHANT_KEY_SCHEME));
}

/** The merchant MerchantApiKeyGuard authenticated; on an unguarded route it is a bug, answered 401. */
export const CurrentMerchant = createParamDecorator((_data: unknown, context: ExecutionContext): Merchant => {
  const merchant = context.switchToHttp().getRequest<MerchantRequest>().merchant;
  if (!merchant) throw unauthenticated('A merchant API key is required.');
  return merchant;
});

/** Lets in a request with an active merchant API key (checked by digest, in constant time) and puts its merchant on it. */
@Injectable()
export class MerchantApiKeyGuard implements CanActivate {
  constructor(private readonly authenticate: AuthenticateMerchantApiKeyUseCase) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<MerchantRequest>();
    const key = bearerMerchantKeyOf(request.headers['authorization']);
    if (key === null) throw unauthenticated('A merchant API key is required: "Authorization: Bearer kmk_...".');
    const merchant = await this.authenticate.execute(key);
    // Unknown, revoked or wrong: one answer, so a caller learns nothing about which.
    if (merchant === null) throw unauthenticated('The merchant API key is not valid.');
    request.merchant = merchant;
    return true;
  }
}

function unauthenticated(detail: string): ProblemException {
  return new ProblemException(HttpStatus.UNAUTHORIZED, PROBLEM_CODES.UNAUTHENTICATED, detail);
}
