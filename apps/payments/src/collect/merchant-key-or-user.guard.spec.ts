import { ExecutionContext } from '@nestjs/common';
import { JwtAuthGuard } from '@kirim/platform';
import { MerchantApiKeyGuard } from '../merchant/merchant-api-key.guard';
import { MerchantKeyOrUserGuard } from './merchant-key-or-user.guard';

describe('MerchantKeyOrUserGuard', () => {
  function setup() {
    const asked: string[] = [];
    const merchantKeys = { canActivate: async () => (asked.push('merchant key'), true) } as unknown as MerchantApiKeyGuard;
    const users = { canActivate: async () => (asked.push('user token'), true) } as unknown as JwtAuthGuard;
    const guard = new MerchantKeyOrUserGuard(merchantKeys, users);
    const contextWith = (authorization?: string): ExecutionContext =>
      ({ switchToHttp: () => ({ getRequest: () => ({ headers: authorization === undefined ? {} : { authorization } }) }) }) as unknown as ExecutionContext;
    return { guard, asked, contextWith };
  }

  it("sends a merchant key's shape to the merchant key guard and anything else to the user token guard (which refuses a missing one)", async () => {
    const { guard, asked, contextWith } = setup();
    await guard.canActivate(contextWith(`Bearer kmk_${'A'.repeat(43)}`));
    await guard.canActivate(contextWith('Bearer eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln'));
    await guard.canActivate(contextWith());
    // A near-miss of the key's shape is not a key: the user guard refuses it as a malformed token.
    await guard.canActivate(contextWith('Bearer kmk_short'));
    expect(asked).toEqual(['merchant key', 'user token', 'user token', 'user token']);
  });
});
