import { randomUUID } from 'node:crypto';
import { freshHandle } from './support/merchants';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeJwt, importPKCS8, SignJWT } from 'jose';
import { INTERNAL_OPERATIONS, InternalOperation } from '@kirim/contracts';
import { eventually } from '@kirim/testing';
import { Api, DeviceSession, HttpResult, Party, PaymentAccepted, Problem, toMinor } from './support/api';
import { edgeUrl, kirimHome } from './support/config';
import { fetchPublicDocument, fetchServiceDocument, OpenApiDocument, operationsOf, Service, serviceUrl, SERVICES } from './support/openapi';
import { freshParty, PROBLEM_CONTENT_TYPE } from './support/parties';

/*
 * The authorization matrix (issue 6, "Done when"): every documented operation of the four services
 * × every way in that must not work — no token, an expired token, another user's token on another
 * user's resource, a revoked device's token, a user token on an internal operation, another
 * service's credentials — is refused with 401/403/404 problem+json, and nothing changed.
 *
 * The operations come from the served OpenAPI documents, so a new endpoint is covered without
 * touching this file (and one that declares no security fails it unless listed as public below).
 * Public operations are sent through the edge; internal (`/internal/...`) and operator operations to
 * the service's own port, where the services they are meant for reach them.
 */

/** The only operations without a bearer, service or operator credential, and what protects each instead. */
const PUBLIC_OPERATIONS: Record<string, string> = {
  'GET /.well-known/jwks.json': "identity's public token-signing keys",
  'GET /.well-known/message-signing-keys.json': "the platform's public message-signing keys (partner banks verify with them)",
  'GET /v1/banks': "the banks and their public UPI PIN keys (a device encrypts the PIN with them before it has a token)",
  'POST /v1/device-bindings': 'signing in starts here; rate-limited per phone and per device',
  'POST /v1/device-bindings/{bindingId}/tokens': 'authenticated by the SMS from the SIM and a proof signed by the device key',
  'POST /v1/tokens/refresh': 'authenticated by the refresh token and a proof signed by the device key',
  'POST /v1/webhooks/sms/inbound': "authenticated by the SMS provider's Standard Webhooks signature",
  'POST /internal/v1/service-tokens': "authenticated by the calling service's client secret (client credentials)",
  'POST /v1/users': 'sandbox login: local development only (IDENTITY_SANDBOX_LOGIN; identity refuses to start with it in production)',
  'POST /v1/sessions': 'sandbox login: local development only (as above)',
};
// Health (/health/live, /health/ready) is public too and undocumented on purpose: probes, no data.

type OperationKind = 'user' | 'internal' | 'operator' | 'merchant';
type Case =
  | 'no token'
  | 'expired token'
  | "another user's token"
  | "a revoked device's token"
  | 'a user token on an internal endpoint'
  | "another service's credentials"
  | 'a wrong operator token'
  | 'a wrong merchant key';

/**
 * User operations on a path id that other users may rightly act on, and why: the "another user's
 * token" case does not apply to them.
 */
const SHARED_RESOURCE_OPERATIONS: Record<string, string> = {
  'POST /v1/merchant-orders/{orderId}/payment': "a merchant's order is its request to be paid: any customer may pay it (docs/merchants.md)",
};

interface MatrixOperation {
  readonly key: string;
  readonly service: Service;
  readonly method: string;
  readonly path: string;
  readonly kind: OperationKind;
  readonly baseUrl: string;
  readonly pathParameters: string[];
  readonly queryParameters: string[];
  readonly hasBody: boolean;
}

interface Attempt {
  readonly operation: MatrixOperation;
  readonly case: Case;
  readonly credential: string;
  readonly result: HttpResult;
}

const api = new Api();

/** A client secret a service holds (scripts/stack.sh writes them; docs/service-credentials.md). */
function serviceSecret(service: string): string | undefined {
  const file = join(kirimHome(), 'keys', 'services', `${service}.secret`);
  return existsSync(file) ? readFileSync(file, 'utf8').trim() : undefined;
}

/** Asks identity for a service token as `client` would (POST /internal/v1/service-tokens on identity's port). */
async function requestServiceToken(client: string, audience: string): Promise<HttpResult<{ accessToken: string } | Problem>> {
  return api.request<{ accessToken: string } | Problem>('POST', '/internal/v1/service-tokens', {
    baseUrl: serviceUrl('identity'),
    body: { clientId: client, clientSecret: serviceSecret(client), audience },
  });
}

/**
 * A token exactly like `token` but expired five minutes ago, signed with the local stack's identity
 * signing key. This is test infrastructure reading the stack's own local key
 * (.local/keys/identity-signing-key.pem, kid `local-1` as scripts/stack.sh sets it), so that the only
 * thing wrong with the token is its `exp`; waiting out a real one would take the access TTL (300 s).
 */
async function expiredCopyOf(token: string): Promise<string> {
  const key = await importPKCS8(readFileSync(join(kirimHome(), 'keys', 'identity-signing-key.pem'), 'utf8'), 'ES256');
  const claims = decodeJwt(token);
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ ...claims, jti: randomUUID() })
    .setProtectedHeader({ alg: 'ES256', kid: 'local-1', typ: 'JWT' })
    .setIssuedAt(now - 600)
    .setExpirationTime(now - 300)
    .sign(key);
}

function operationKind(key: string, path: string, schemes: string[]): OperationKind | 'public' | 'undeclared' {
  if (schemes.includes('serviceToken')) return 'internal';
  if (schemes.includes('bearer')) return 'user';
  if (schemes.includes('merchantKey')) return 'merchant';
  if (schemes.includes('sandboxAdminToken') || schemes.includes('operatorKey')) return 'operator';
  if (PUBLIC_OPERATIONS[key] !== undefined) return 'public';
  // An internal operation that declares nothing is still internal: it must refuse like one.
  return path.startsWith('/internal/') ? 'internal' : 'undeclared';
}

function declarationOf(operation: MatrixOperation): InternalOperation | undefined {
  return Object.values(INTERNAL_OPERATIONS).find(
    (declared: InternalOperation) => declared.method === operation.method && declared.path.replace(/:(\w+)/g, '{$1}') === operation.path && declared.service === operation.service,
  );
}

describe('authorization matrix: every operation × every wrong credential is refused and changes nothing', () => {
  let operations: MatrixOperation[];
  let undeclared: string[];
  let documentedPublic: string[];
  let victim: Party;
  let attacker: Party;
  /** The revoked device's session: its user bound a second device, so this one's tokens are revoked. */
  let revoked: DeviceSession & Party;
  let revokedCurrent: DeviceSession;
  let victimPayment: PaymentAccepted;
  let victimAddressId: string;
  /** The victim's merchant, its API key and an order of it; the attacker's merchant key (docs/merchants.md). */
  let victimMerchant: { merchantId: string; keyId: string; apiKey: string; orderId: string; reference: string };
  let attackerMerchantKey: string;
  /** A collect request of the victim's merchant to the bystander (docs/merchants.md, "Collect requests"). */
  let victimCollectRequestId: string;
  let victimNotificationId: string;
  /** A webhook endpoint of the victim's merchant (docs/notifications.md, "Merchant webhooks"). */
  let victimEndpointId: string;
  /** Every service token the services can get from identity, by `client→audience`. */
  const serviceTokens = new Map<string, string>();

  beforeAll(async () => {
    const publicDocument: OpenApiDocument = await fetchPublicDocument();
    const routedByEdge = new Set(operationsOf(publicDocument).map(({ method, path }) => `${method.toUpperCase()} ${path}`));
    operations = [];
    undeclared = [];
    documentedPublic = [];
    for (const service of SERVICES) {
      for (const { method, path, operation } of operationsOf(await fetchServiceDocument(service))) {
        const key = `${method.toUpperCase()} ${path}`;
        const kind = operationKind(key, path, (operation.security ?? []).flatMap((requirement) => Object.keys(requirement)));
        if (kind === 'public') documentedPublic.push(key);
        else if (kind === 'undeclared') undeclared.push(`${service}: ${key}`);
        else {
          const parameters = operation.parameters ?? [];
          operations.push({
            key,
            service,
            method: method.toUpperCase(),
            path,
            kind,
            baseUrl: routedByEdge.has(key) ? edgeUrl() : serviceUrl(service),
            pathParameters: parameters.filter((p) => p.in === 'path').map((p) => p.name),
            queryParameters: parameters.filter((p) => p.in === 'query').map((p) => p.name),
            hasBody: operation.requestBody !== undefined,
          });
        }
      }
    }

    victim = await freshParty(api, 'matrix victim', 'SBXA', '1000.00');
    attacker = await freshParty(api, 'matrix attacker', 'SBXB', '1000.00');
    const revokedParty = await freshParty(api, 'matrix revoked', 'SBXA', '1000.00');
    revoked = revokedParty as DeviceSession & Party;
    // To a bystander: the attacker must not be a party to the victim's payment (a payee may read it).
    const bystander = await freshParty(api, 'matrix bystander', 'SBXB', '0.00');
    victimPayment = await api.payAccepted(victim, { payeePhone: bystander.phone, amount: '10.00' });
    expect((await api.waitUntilFinal(victim, victimPayment.paymentId)).status).toBe('completed');
    await eventually(async () => {
      const [receipt] = (await api.notifications(victim)).filter((notification) => notification.paymentId === victimPayment.paymentId);
      expect(receipt).toBeDefined();
      victimNotificationId = receipt.notificationId;
    });
    const added = await api.request<{ addressId: string }>('POST', '/v1/me/payment-addresses', { token: victim.accessToken, body: { handle: `victim.${randomUUID().replace(/[^a-f]/g, '').slice(0, 8).padEnd(8, 'x')}` } });
    expect(added.status).toBe(201);
    victimAddressId = added.body.addressId;
    victimMerchant = await onboardMerchant(victim);
    attackerMerchantKey = (await onboardMerchant(attacker)).apiKey;
    const collect = await api.request<{ collectRequestId: string }>('POST', '/v1/collect-requests', {
      headers: { authorization: `Bearer ${victimMerchant.apiKey}` },
      body: { reference: `matrix-collect-${randomUUID()}`, customer: { phone: bystander.phone }, amount: { value: '1.00', currency: 'INR' } },
    });
    expect(collect.status).toBe(201);
    victimCollectRequestId = collect.body.collectRequestId;
    // notifications knows the merchant once it has read payments' announcement: 404 until then.
    await eventually(async () => {
      const endpoint = await api.request<{ endpointId: string }>('POST', '/v1/merchant-webhook-endpoints', {
        token: victim.accessToken,
        body: { merchantId: victimMerchant.merchantId, url: 'https://matrix-victim.example/kirim/webhooks' },
      });
      expect(endpoint.status).toBe(201);
      victimEndpointId = endpoint.body.endpointId;
    });

    // A second device for the "revoked" user: the first device's tokens are revoked, at identity at
    // once and at the other services within the stated bound (docs/device-binding.md), which we wait out.
    revokedCurrent = await api.bindDevice(revoked.phone, undefined);
    await eventually(
      async () => {
        expect((await api.request('GET', '/v1/me/notifications', { token: revoked.accessToken })).status).toBe(401);
        expect((await api.request('GET', `/v1/payments/${victimPayment.paymentId}`, { token: revoked.accessToken })).status).toBe(401);
      },
      { timeoutMs: 35_000 },
    );

    for (const client of ['payments', 'notifications', 'bank-connector']) {
      if (serviceSecret(client) === undefined) continue;
      for (const audience of SERVICES) {
        if (audience === client) continue;
        const issued = await requestServiceToken(client, audience);
        if (issued.status === 200) serviceTokens.set(`${client}→${audience}`, (issued.body as { accessToken: string }).accessToken);
      }
    }
  }, 120_000);

  /** A merchant of `owner`'s (settled to their primary address), an API key of it and an order. */
  async function onboardMerchant(owner: Party): Promise<{ merchantId: string; keyId: string; apiKey: string; orderId: string; reference: string }> {
    const addresses = await api.request<Array<{ address: string; isPrimary: boolean }>>('GET', '/v1/me/payment-addresses', { token: owner.accessToken });
    const settlementAddress = addresses.body.find((address) => address.isPrimary)?.address;
    const handle = freshHandle('matrix');
    const merchant = await api.request<{ merchantId: string }>('POST', '/v1/merchants', { token: owner.accessToken, body: { displayName: 'Matrix Shop', categoryCode: '5812', handle, settlementAddress } });
    expect(merchant.status).toBe(201);
    const key = await api.request<{ keyId: string; apiKey: string }>('POST', `/v1/merchants/${merchant.body.merchantId}/api-keys`, { token: owner.accessToken });
    expect(key.status).toBe(201);
    const reference = `matrix-${randomUUID()}`;
    const order = await api.request<{ orderId: string }>('POST', '/v1/merchant-orders', {
      headers: { authorization: `Bearer ${key.body.apiKey}` },
      body: { reference, amount: { value: '1.00', currency: 'INR' } },
    });
    expect(order.status).toBe(201);
    return { merchantId: merchant.body.merchantId, keyId: key.body.keyId, apiKey: key.body.apiKey, orderId: order.body.orderId, reference };
  }

  /** What a caller can see of the victim, the attacker and the bank: the same before and after the matrix. */
  async function observableState() {
    const [victimMe, victimAddresses, attackerMe, attackerAddresses, payment, summary, victimInbox, victimEndpoints] = await Promise.all([
      api.me(victim),
      api.request('GET', '/v1/me/payment-addresses', { token: victim.accessToken }),
      api.me(attacker),
      api.request('GET', '/v1/me/payment-addresses', { token: attacker.accessToken }),
      api.getPayment(victim, victimPayment.paymentId),
      api.ledgerSummary(),
      api.notifications(victim),
      api.request('GET', `/v1/merchant-webhook-endpoints?merchantId=${victimMerchant.merchantId}`, { token: victim.accessToken }),
    ]);
    return {
      balances: { victim: await api.balanceOf(victim), attacker: await api.balanceOf(attacker), revoked: await api.balanceOf(revoked) },
      // Read marks included: nobody else may mark the victim's receipts read.
      // Its merchant's endpoints too: nobody else may register, rotate or disable one.
      victim: { me: victimMe.body, addresses: victimAddresses.body, payment, inbox: victimInbox.map(({ notificationId, readAt }) => ({ notificationId, readAt })), endpoints: victimEndpoints.body },
      attacker: { me: attackerMe.body, addresses: attackerAddresses.body },
      // The number of accounts only: payments of earlier test files may still settle between banks.
      ledger: { accounts: summary.accounts },
    };
  }

  /** The victim's resource for each user-owned id a path can take; a new kind of id must be added here. */
  function victimPathValue(name: string): string {
    const values: Record<string, string> = {
      paymentId: victimPayment.paymentId,
      addressId: victimAddressId,
      linkedAccountId: victim.linkedAccountId as string,
      accountRef: victim.accountRef,
      merchantId: victimMerchant.merchantId,
      keyId: victimMerchant.keyId,
      orderId: victimMerchant.orderId,
      reference: victimMerchant.reference,
      // No refund exists: a key that got past its checks would still find nothing, but it must not get past them.
      refundId: randomUUID(),
      // Operator resources (docs/operations.md): ids that exist nowhere, so only the credential can refuse.
      runId: randomUUID(),
      deadLetterId: randomUUID(),
      messageId: randomUUID(),
      collectRequestId: victimCollectRequestId,
      notificationId: victimNotificationId,
      deliveryId: randomUUID(),
      endpointId: victimEndpointId,
      // The victim's SMS number (get-sms-number, notifications only): nobody else may read it.
      userId: victim.userId,
    };
    const value = values[name];
    if (value === undefined) throw new Error(`no victim resource for the path parameter {${name}}: add one to victimPathValue`);
    return value;
  }

  /** Query values aimed at the victim, so that a wrongly accepted request would reveal or touch the victim's data. */
  function victimQueryValue(name: string): string {
    const values: Record<string, string> = {
      phone: victim.phone,
      mobile: victim.phone,
      payeePhone: victim.phone,
      payerUserId: victim.userId,
      after: '0',
      limit: '10',
      // A merchant's history filters, well formed, so only the credential can refuse them.
      status: 'completed',
      kind: 'order',
      from: '2020-01-01T00:00:00Z',
      to: '2100-01-01T00:00:00Z',
      // The victim's merchant: an attacker must not list its webhook endpoints.
      merchantId: victimMerchant.merchantId,
    };
    return values[name] ?? 'x';
  }

  /** A well-formed body, so that a request let through would really do something (move money, change a PIN). */
  async function bodyFor(operation: MatrixOperation, payer: Party): Promise<unknown> {
    switch (operation.key) {
      case 'POST /v1/merchants':
        return { displayName: 'Matrix Intruder', categoryCode: '5812', handle: 'matrix.intruder', settlementAddress: `${victim.phone.slice(3)}@kirim` };
      case 'POST /v1/merchant-orders':
        return { reference: `intruder-${randomUUID()}`, amount: { value: '1.00', currency: 'INR' } };
      case 'POST /v1/merchant-orders/{orderId}/payment':
      case 'POST /v1/collect-requests/{collectRequestId}/approve':
        return { encryptedPin: await api.pinKeys.pay(payer.bankCode, payer.pin as string, '1.00') };
      case 'POST /v1/collect-requests':
        return { reference: `intruder-collect-${randomUUID()}`, customer: { phone: victim.phone }, amount: { value: '1.00', currency: 'INR' } };
      case 'POST /v1/merchant-orders/{orderId}/refunds':
        return { amount: { value: '1.00', currency: 'INR' } };
      case 'POST /v1/merchant-webhook-endpoints':
        // Let through, the victim's merchant would send its payments to the intruder.
        return { merchantId: victimMerchant.merchantId, url: 'https://matrix-intruder.example/hook' };
      case 'POST /v1/payments':
        return { payee: { phone: attacker.phone }, amount: { value: '1.00', currency: 'INR' }, encryptedPin: await api.pinKeys.pay(payer.bankCode, payer.pin as string, '1.00') };
      case 'POST /v1/me/payment-addresses':
        return { handle: `matrix.${randomUUID().replace(/[^a-f]/g, '').slice(0, 8).padEnd(8, 'x')}` };
      case 'POST /internal/v1/merchant-addresses':
        // Let through, it would hold a handle for a merchant in the victim's name.
        return { ownerUserId: victim.userId, merchantId: randomUUID(), handle: `matrix.${randomUUID().replace(/[^a-f]/g, '').slice(0, 8).padEnd(8, 'x')}` };
      case 'POST /internal/v1/payment-party-resolutions':
        // Let through, it would answer with the victim's account and draw on the victim's lookup bucket.
        return { items: [{ payerUserId: victim.userId, payeePhone: attacker.phone }] };
      case 'POST /v1/me/bank-accounts':
        return { accountRef: victim.accountRef };
      case 'PUT /v1/me/bank-accounts/{linkedAccountId}/upi-pin':
      case 'PUT /internal/v1/sandbox-accounts/{accountRef}/upi-pin':
        return { encryptedPin: await api.pinKeys.changePin(victim.bankCode, victim.pin as string, '9999') };
      case 'POST /v1/sandbox/accounts':
        return { bankCode: 'SBXA', mobile: victim.phone, holderName: 'Matrix Intruder', openingBalance: { value: '100000.00', currency: 'INR' } };
      case 'PUT /v1/sandbox/accounts/{accountRef}/freeze':
        return { freeze: 'total' };
      default:
        return operation.hasBody ? {} : undefined;
    }
  }

  async function send(operation: MatrixOperation, testCase: Case, credential: string, headers: Record<string, string>, payer: Party): Promise<Attempt> {
    let path = operation.path;
    for (const name of operation.pathParameters) path = path.replace(`{${name}}`, encodeURIComponent(victimPathValue(name)));
    const query = new URLSearchParams(operation.queryParameters.map((name): [string, string] => [name, victimQueryValue(name)])).toString();
    const body = await bodyFor(operation, payer);
    const result = await api.request(operation.method, `${path}${query ? `?${query}` : ''}`, {
      baseUrl: operation.baseUrl,
      headers: { 'idempotency-key': randomUUID(), ...headers },
      ...(body !== undefined ? { body } : {}),
    });
    return { operation, case: testCase, credential, result };
  }

  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  /** Every wrong way into one operation. */
  async function attemptsOn(operation: MatrixOperation): Promise<Attempt[]> {
    const attempts: Attempt[] = [];
    const victimToken = victim.accessToken;
    attempts.push(await send(operation, 'no token', 'none', {}, victim));
    attempts.push(await send(operation, "a revoked device's token", 'the first device of a user who bound a second', bearer(revoked.accessToken), revoked));

    if (operation.kind === 'user') {
      attempts.push(await send(operation, 'expired token', "the victim's token, expired", bearer(await expiredCopyOf(victimToken)), victim));
      for (const [name, token] of serviceTokens) attempts.push(await send(operation, "another service's credentials", `service token ${name}`, bearer(token), victim));
      if ((operation.pathParameters.length > 0 && SHARED_RESOURCE_OPERATIONS[operation.key] === undefined) || operation.key === 'POST /v1/me/bank-accounts') {
        attempts.push(await send(operation, "another user's token", "the attacker's token on the victim's resource", bearer(attacker.accessToken), attacker));
      }
    }

    if (operation.kind === 'internal') {
      const declared = declarationOf(operation);
      const callers: readonly string[] = declared?.callers ?? [];
      const someCallerToken = [...serviceTokens.entries()].find(([name]) => callers.includes(name.split('→')[0]) && name.endsWith(`→${operation.service}`));
      attempts.push(await send(operation, 'expired token', "a declared caller's service token, expired", bearer(await expiredCopyOf(someCallerToken?.[1] ?? [...serviceTokens.values()][0])), victim));
      attempts.push(await send(operation, 'a user token on an internal endpoint', "the victim's own valid token", bearer(victimToken), victim));
      for (const [name, token] of serviceTokens) {
        if (callers.includes(name.split('→')[0]) && name.endsWith(`→${operation.service}`)) continue;
        attempts.push(await send(operation, "another service's credentials", `service token ${name}`, bearer(token), victim));
      }
      // A service not declared as a caller cannot even get a token for this audience: the first door is shut too.
      for (const client of ['payments', 'notifications', 'bank-connector']) {
        if (callers.includes(client) || client === operation.service || serviceSecret(client) === undefined || serviceTokens.has(`${client}→${operation.service}`)) continue;
        attempts.push({ operation, case: "another service's credentials", credential: `${client} asking identity for a token for ${operation.service}`, result: await requestServiceToken(client, operation.service) });
      }
    }

    if (operation.kind === 'merchant') {
      attempts.push(await send(operation, 'a wrong merchant key', 'a well-formed merchant key that was never issued', bearer(`kmk_${'A'.repeat(43)}`), victim));
      attempts.push(await send(operation, 'a user token on an internal endpoint', "the victim's own valid user token on the merchant API", bearer(victimToken), victim));
      for (const [name, token] of serviceTokens) attempts.push(await send(operation, "another service's credentials", `service token ${name}`, bearer(token), victim));
      if (operation.pathParameters.length > 0) {
        attempts.push(await send(operation, "another user's token", "the attacker merchant's API key on the victim merchant's resource", bearer(attackerMerchantKey), attacker));
      }
    }

    if (operation.kind === 'operator') {
      // The sandbox administration API takes its token in a header; the operator API an operator key (docs/operations.md).
      attempts.push(
        operation.path.startsWith('/internal/v1/operator/')
          ? await send(operation, 'a wrong operator token', 'a well-formed operator key that was never issued', bearer(`kop_${'A'.repeat(43)}`), victim)
          : await send(operation, 'a wrong operator token', 'x-sandbox-admin-token of another value', { 'x-sandbox-admin-token': randomUUID() }, victim),
      );
      attempts.push(await send(operation, 'a user token on an internal endpoint', "the victim's own valid token", bearer(victimToken), victim));
      for (const [name, token] of serviceTokens) attempts.push(await send(operation, "another service's credentials", `service token ${name}`, bearer(token), victim));
    }
    return attempts;
  }

  /** What is wrong with a refusal, or null. */
  function fault(attempt: Attempt): string | null {
    const { result } = attempt;
    const allowed = attempt.case === "another user's token" ? [403, 404] : [401, 403, 404];
    if (!allowed.includes(result.status)) return `answered ${result.status} (expected ${allowed.join('/')}): ${result.text.slice(0, 200)}`;
    if (!PROBLEM_CONTENT_TYPE.test(result.contentType)) return `answered ${result.status} as ${result.contentType || 'no content type'}`;
    if (typeof (result.body as Problem).code !== 'string') return `answered ${result.status} problem+json without a code`;
    return null;
  }

  it('lists as public only the operations named public here, and every one of those is documented', () => {
    expect(undeclared).toEqual([]);
    expect([...documentedPublic].sort()).toEqual(Object.keys(PUBLIC_OPERATIONS).sort());
    // The matrix has something of each kind to refuse.
    expect(new Set(operations.map((operation) => operation.kind))).toEqual(new Set(['user', 'internal', 'operator', 'merchant']));
  });

  it('refuses every operation to every wrong credential with 401/403/404 problem+json, and nothing changes', async () => {
    const before = await observableState();
    const attempts: Attempt[] = [];
    for (const operation of operations) attempts.push(...(await attemptsOn(operation)));

    const faults = attempts
      .map((attempt) => ({ attempt, fault: fault(attempt) }))
      .filter((entry) => entry.fault !== null)
      .map(({ attempt, fault: problem }) => `${attempt.operation.service} ${attempt.operation.key} with ${attempt.case} (${attempt.credential}): ${problem}`);
    expect(faults).toEqual([]);
    // Each case was tried on something.
    expect(new Set(attempts.map((attempt) => attempt.case))).toEqual(
      new Set<Case>([
        'no token',
        'expired token',
        "another user's token",
        "a revoked device's token",
        'a user token on an internal endpoint',
        "another service's credentials",
        'a wrong operator token',
        'a wrong merchant key',
      ]),
    );
    // Every internal operation was tried with the credentials of a service not declared to call it.
    for (const operation of operations.filter((candidate) => candidate.kind === 'internal')) {
      expect({ operation: operation.key, tried: attempts.some((attempt) => attempt.operation === operation && attempt.case === "another service's credentials") }).toEqual({ operation: operation.key, tried: true });
    }

    expect(await observableState()).toEqual(before);
    // The victim's PIN is unchanged and unlocked: it still pays.
    const after = await api.payAccepted(victim, { payeePhone: attacker.phone, amount: '1.00' });
    expect((await api.waitUntilFinal(victim, after.paymentId)).status).toBe('completed');
    expect(await api.balanceOf(victim)).toBe(before.balances.victim - toMinor('1.00'));
    // And the revoked user's new device is unaffected by all of it.
    expect((await api.me(revokedCurrent)).status).toBe(200);
  }, 180_000);

  it('identity issues a service token only to a service declared to call the audience', async () => {
    const refusals: string[] = [];
    for (const operation of Object.values(INTERNAL_OPERATIONS) as InternalOperation[]) {
      for (const client of ['payments', 'notifications', 'bank-connector']) {
        if (serviceSecret(client) === undefined || client === operation.service) continue;
        const callsThatService = (Object.values(INTERNAL_OPERATIONS) as InternalOperation[]).some((other) => other.service === operation.service && (other.callers as readonly string[]).includes(client));
        const issued = await requestServiceToken(client, operation.service);
        if (callsThatService !== (issued.status === 200)) refusals.push(`${client}→${operation.service}: ${issued.status}`);
        if (!callsThatService) expect({ client, audience: operation.service, status: issued.status, contentType: issued.contentType }).toEqual({ client, audience: operation.service, status: 403, contentType: expect.stringMatching(PROBLEM_CONTENT_TYPE) });
      }
    }
    expect(refusals).toEqual([]);
    // A wrong secret is as good as none.
    const wrong = await api.request<Problem>('POST', '/internal/v1/service-tokens', { baseUrl: serviceUrl('identity'), body: { clientId: 'payments', clientSecret: 'A'.repeat(43), audience: 'identity' } });
    expect([wrong.status, wrong.body.code]).toEqual([401, 'unauthenticated']);
  });

  it('the public operations that authenticate otherwise refuse a request without their credential', async () => {
    const unsignedWebhook = await api.request<Problem>('POST', '/v1/webhooks/sms/inbound', { body: { type: 'sms.received', data: { from: victim.phone, to: '+910000000000', text: 'x' } } });
    const refreshWithoutProof = await api.request<Problem>('POST', '/v1/tokens/refresh', { body: { refreshToken: `krt_${'A'.repeat(43)}`, proof: 'a.b.c' } });
    const completionOfUnknown = await api.request<Problem>('POST', `/v1/device-bindings/${randomUUID()}/tokens`, { body: { proof: 'a.b.c' } });
    for (const result of [unsignedWebhook, refreshWithoutProof, completionOfUnknown]) {
      expect({ path: result.path, refused: [400, 401, 404, 409].includes(result.status), contentType: result.contentType }).toEqual({ path: result.path, refused: true, contentType: expect.stringMatching(PROBLEM_CONTENT_TYPE) });
      expect(result.text).not.toMatch(/accessToken|refreshToken/);
    }
    expect(unsignedWebhook.status).toBe(401);
  });
});
