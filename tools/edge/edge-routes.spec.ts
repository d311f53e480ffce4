import { ASYNCAPI_DOCS_PATH, routeFor } from './edge-routes';

describe('routeFor', () => {
  it.each([
    ['/v1/users', 'identity'],
    ['/v1/users/123', 'identity'],
    ['/v1/sessions', 'identity'],
    ['/v1/device-bindings', 'identity'],
    ['/v1/device-bindings/6f1f5b9e-2c3d-4e5f-8a9b-0c1d2e3f4a5b/tokens', 'identity'],
    ['/v1/tokens/refresh', 'identity'],
    ['/v1/webhooks/sms/inbound', 'identity'],
    ['/v1/me', 'identity'],
    ['/v1/me/payment-address', 'identity'],
    ['/v1/me/bank-accounts', 'identity'],
    ['/v1/me/bank-accounts/9b1c', 'identity'],
    ['/v1/me/payment-addresses/6f1f5b9e-2c3d-4e5f-8a9b-0c1d2e3f4a5b/primary', 'identity'],
    ['/v1/payees', 'identity'],
    ['/v1/payees?address=asha%40kirim', 'identity'],
    ['/.well-known/jwks.json', 'identity'],
    ['/.well-known/message-signing-keys.json', 'bank-connector'],
    ['/v1/payments', 'payments'],
    ['/v1/payments/3f2e1d0c', 'payments'],
    ['/v1/merchants', 'payments'],
    ['/v1/merchants/0b6f7c1e-8a44-4c1e-9d2a-0f6a1b2c3d4e/api-keys', 'payments'],
    ['/v1/merchant-orders/0b6f7c1e-8a44-4c1e-9d2a-0f6a1b2c3d4e/refunds', 'payments'],
    ['/v1/banks', 'bank-connector'],
    ['/v1/me/bank-accounts/9b1c/upi-pin', 'identity'],
    ['/v1/me/notifications', 'notifications'],
    ['/v1/me/notifications/abc/read', 'notifications'],
    ['/v1/merchant-webhook-endpoints', 'notifications'],
    ['/v1/merchant-webhook-endpoints?merchantId=0b6f7c1e-8a44-4c1e-9d2a-0f6a1b2c3d4e', 'notifications'],
    ['/v1/merchant-webhook-endpoints/0b6f7c1e-8a44-4c1e-9d2a-0f6a1b2c3d4e/rotate-secret', 'notifications'],
  ])('sends %s to %s unchanged', (path, service) => {
    expect(routeFor(path)).toEqual({ kind: 'proxy', service, upstreamPath: path });
  });

  it('keeps the query string', () => {
    expect(routeFor('/v1/me/notifications?limit=5')).toEqual({
      kind: 'proxy',
      service: 'notifications',
      upstreamPath: '/v1/me/notifications?limit=5',
    });
  });

  it.each(['/v1/sandbox/accounts', '/v1/sandbox/accounts?mobile=%2B919800000001', '/v1/sandbox/ledger/summary', '/v1/sandbox'])(
    'keeps the sandbox administration API %s off the public edge (operators use bank-connector\'s port)',
    (path) => {
      expect(routeFor(path)).toEqual({ kind: 'not-found' });
    },
  );

  it('keeps identity\'s internal revocation feed off the public edge', () => {
    expect(routeFor('/v1/internal/device-binding-revocations')).toEqual({ kind: 'not-found' });
  });

  it.each([
    '/v1/payment-parties',
    '/v1/payment-parties?payeePhone=%2B919800000001',
    '/v1/bank-accounts?mobile=%2B919800000001',
    '/v1/sandbox-accounts/6f1f5b9e-2c3d-4e5f-8a9b-0c1d2e3f4a5b/upi-pin',
  ])(
    'keeps the service-to-service question %s off the public edge',
    (path) => {
      expect(routeFor(path)).toEqual({ kind: 'not-found' });
    },
  );

  it.each(['/', '/v1', '/v1/meow', '/v1/paymentsx', '/v2/payments', '/v1/merchantsx', '/v1/merchant-ordersx', '/v1/merchant-webhook-endpointsx', '/health', '/.well-known/other', '/docs/unknown', '/docs/unknown/x'])(
    'does not route %s',
    (path) => {
      expect(routeFor(path)).toEqual({ kind: 'not-found' });
    },
  );

  it.each(['/v1/payments/../users', '/v1/payments/%2e%2e/users', '/v1/me/./x', '/v1/payments/%zz'])(
    'refuses dot segments and malformed escapes in %s',
    (path) => {
      expect(routeFor(path)).toEqual({ kind: 'not-found' });
    },
  );

  it('answers its own probes', () => {
    expect(routeFor('/health/live')).toEqual({ kind: 'health-live' });
    expect(routeFor('/health/ready')).toEqual({ kind: 'health-ready' });
  });

  describe('docs', () => {
    it('serves the index at /docs', () => {
      expect(routeFor('/docs')).toEqual({ kind: 'docs-index' });
      expect(routeFor('/docs/')).toEqual({ kind: 'docs-index' });
    });

    it('adds the trailing slash Swagger UI needs', () => {
      expect(routeFor('/docs/payments')).toEqual({ kind: 'redirect', location: '/docs/payments/' });
    });

    it("rewrites /docs/<service>/* to the service's /docs/*", () => {
      expect(routeFor('/docs/bank-connector/')).toEqual({ kind: 'proxy', service: 'bank-connector', upstreamPath: '/docs/' });
      expect(routeFor('/docs/identity/swagger-ui.css')).toEqual({ kind: 'proxy', service: 'identity', upstreamPath: '/docs/swagger-ui.css' });
    });

    it("serves each service's OpenAPI JSON at /docs/<service>-json", () => {
      expect(routeFor('/docs/notifications-json')).toEqual({ kind: 'proxy', service: 'notifications', upstreamPath: '/docs-json' });
    });

    it('serves the Kafka contract (AsyncAPI) itself at /docs/asyncapi.yaml, with or without a query string', () => {
      expect(ASYNCAPI_DOCS_PATH).toBe('/docs/asyncapi.yaml');
      expect(routeFor('/docs/asyncapi.yaml')).toEqual({ kind: 'asyncapi' });
      expect(routeFor('/docs/asyncapi.yaml?download=1')).toEqual({ kind: 'asyncapi' });
    });

    it.each(['/docs/asyncapi.yaml/', '/docs/asyncapi.yaml/x', '/docs/asyncapi', '/docs/asyncapi.json', '/docs/asyncapi-json', '/docs/../docs/asyncapi.yaml'])(
      'does not serve %s',
      (path) => {
        expect(routeFor(path)).toEqual({ kind: 'not-found' });
      },
    );
  });
});
