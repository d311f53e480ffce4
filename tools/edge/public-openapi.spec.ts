import { routeFor } from './edge-routes';
import { OpenApiDocumentLike, publicOpenApiDocument } from './public-openapi';

const problem = { type: 'object', properties: { code: { type: 'string' } } };

function doc(paths: OpenApiDocumentLike['paths'], schemas: Record<string, unknown> = {}, tags: OpenApiDocumentLike['tags'] = []): OpenApiDocumentLike {
  return {
    openapi: '3.0.0',
    info: { title: 't', version: '1' },
    paths,
    tags,
    components: { schemas: { ProblemDetailsSchema: problem, ...schemas } as never, securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, sandboxAdminToken: { type: 'apiKey', in: 'header', name: 'x' } } },
  };
}

const op = (operationId: string, ref: string, tag: string) => ({
  operationId,
  tags: [tag],
  security: [{ bearer: [] }],
  responses: { '200': { description: 'ok', content: { 'application/json': { schema: { $ref: `#/components/schemas/${ref}` } } } } },
});

describe('the public OpenAPI document', () => {
  const documents = {
    identity: doc(
      {
        '/v1/me': { get: op('users_me', 'MeResponse', 'users') },
        // Service-to-service: not routed by the edge, so not public.
        '/v1/payment-parties': { get: op('paymentParties_resolve', 'Parties', 'payment-parties') },
      },
      { MeResponse: { type: 'object', properties: { account: { $ref: '#/components/schemas/Account' } } }, Account: { type: 'object', properties: { ref: { type: 'string' } } }, Parties: { type: 'object' } },
      [{ name: 'users', description: 'Users.' }, { name: 'payment-parties', description: 'Internal.' }],
    ),
    payments: doc({ '/v1/payments/{paymentId}': { get: op('payments_get', 'Account', 'payments') } }, { Account: { type: 'string' } }, [{ name: 'payments', description: 'Payments.' }]),
    'bank-connector': doc({ '/v1/bank-accounts': { get: op('bankAccounts_discover', 'Account', 'bank accounts') } }, { Account: { type: 'object' } }),
    notifications: doc({ '/v1/me/notifications': { get: op('users_me', 'ProblemDetailsSchema', 'notifications') } }),
  };
  const merged = publicOpenApiDocument(documents, { serverUrl: 'https://api.example.test', version: '1' });

  it('lists exactly the paths the edge routes to the service that documents them', () => {
    expect(Object.keys(merged.paths)).toEqual(['/v1/me', '/v1/me/notifications', '/v1/payments/{paymentId}']);
    for (const path of Object.keys(merged.paths)) expect(routeFor(path).kind).toBe('proxy');
  });

  it('keeps only the schemas public operations need, and prefixes a name two services use differently', () => {
    expect(Object.keys(merged.components?.schemas ?? {}).sort()).toEqual(['Account', 'MeResponse', 'PaymentsAccount', 'ProblemDetailsSchema']);
    const payments = merged.paths['/v1/payments/{paymentId}'].get as { responses: Record<string, { content?: Record<string, { schema: { $ref: string } }> }> };
    expect(payments.responses['200'].content?.['application/json'].schema.$ref).toBe('#/components/schemas/PaymentsAccount');
    expect(JSON.stringify(merged.components?.schemas?.MeResponse)).toContain('#/components/schemas/Account"');
  });

  it('makes operationIds unique across services', () => {
    expect((merged.paths['/v1/me'].get as { operationId: string }).operationId).toBe('users_me');
    expect((merged.paths['/v1/me/notifications'].get as { operationId: string }).operationId).toBe('notifications_users_me');
  });

  it("adds the edge's own answers to every operation: 429 with Retry-After, 502 and 504", () => {
    for (const item of Object.values(merged.paths)) {
      const responses = (item.get as { responses: Record<string, { headers?: Record<string, unknown> }> }).responses;
      expect(Object.keys(responses)).toEqual(expect.arrayContaining(['429', '502', '504']));
      expect(responses['429'].headers).toHaveProperty('Retry-After');
    }
  });

  it('declares the server, a license, the used tags with descriptions and only the security schemes operations name', () => {
    expect(merged.servers).toEqual([{ url: 'https://api.example.test', description: 'The public base URL' }]);
    expect(merged.info.license).toMatchObject({ name: 'Apache-2.0' });
    expect(merged.tags).toEqual([{ name: 'notifications' }, { name: 'payments', description: 'Payments.' }, { name: 'users', description: 'Users.' }]);
    expect(Object.keys(merged.components?.securitySchemes ?? {})).toEqual(['bearer']);
  });
});
