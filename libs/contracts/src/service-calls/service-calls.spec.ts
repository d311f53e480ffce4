import { audiencesCallableBy, INTERNAL_OPERATIONS, InternalOperation, isServicePrincipal, serviceAudience } from './service-calls';

describe('internal operations', () => {
  it('live under /internal/, so the edge (which routes only public prefixes) never exposes them', () => {
    for (const operation of Object.values(INTERNAL_OPERATIONS)) expect(operation.path.startsWith('/internal/')).toBe(true);
  });

  it('derive the audiences a service may ask a token for from who calls what', () => {
    expect(audiencesCallableBy('payments')).toEqual(['identity', 'bank-connector']);
    expect(audiencesCallableBy('identity')).toEqual(['bank-connector']);
    expect(audiencesCallableBy('notifications')).toEqual(['identity']);
    expect(audiencesCallableBy('bank-connector')).toEqual([]);
  });

  it('declares who answers and who calls each operation', () => {
    // The whole table: a new operation, or a caller added to one, is a decision this test makes visible.
    expect(Object.values(INTERNAL_OPERATIONS).map(({ name, service, method, path, callers }) => [name, service, `${method} ${path}`, [...callers]])).toEqual([
      ['resolve-payment-parties', 'identity', 'GET /internal/v1/payment-parties', ['payments']],
      ['resolve-payment-parties-batch', 'identity', 'POST /internal/v1/payment-party-resolutions', ['payments']],
      ['reserve-merchant-address', 'identity', 'POST /internal/v1/merchant-addresses', ['payments']],
      ['discover-bank-accounts', 'bank-connector', 'GET /internal/v1/bank-accounts', ['identity']],
      ['set-sandbox-upi-pin', 'bank-connector', 'PUT /internal/v1/sandbox-accounts/:accountRef/upi-pin', ['identity']],
      ['list-device-binding-revocations', 'identity', 'GET /internal/v1/device-binding-revocations', ['payments', 'notifications']],
      ['get-sms-number', 'identity', 'GET /internal/v1/users/:userId/sms-number', ['notifications']],
      ['reconcile-bank-legs', 'bank-connector', 'POST /internal/v1/bank-leg-reconciliations', ['payments']],
    ]);
  });

  it('takes the callers of every operation into account, once each', () => {
    const operations: InternalOperation[] = [
      { name: 'a', service: 'identity', method: 'GET', path: '/internal/a', callers: ['payments', 'notifications'] },
      { name: 'b', service: 'identity', method: 'GET', path: '/internal/b', callers: ['payments'] },
      { name: 'c', service: 'bank-connector', method: 'GET', path: '/internal/c', callers: ['payments'] },
    ];
    expect(audiencesCallableBy('payments', operations)).toEqual(['identity', 'bank-connector']);
  });

  it("names a service's audience by its principal, and knows the services", () => {
    expect(serviceAudience('bank-connector')).toBe('bank-connector');
    expect(isServicePrincipal('payments')).toBe(true);
    expect(isServicePrincipal('partner-xmpl')).toBe(false);
    expect(isServicePrincipal(undefined)).toBe(false);
  });
});
