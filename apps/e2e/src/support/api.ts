import { randomUUID } from 'node:crypto';
import { DEVICE_PROOF_PURPOSES, Money, MoneyDto } from '@kirim/contracts';
import { edgeUrl, sandboxAdminToken, sandboxAdminUrl, smsSimulatorUrl } from './config';
import { Device, deviceProof, newDevice, refreshProof } from './device';
import { recordExchange, recordSensitive, tokenSubject } from './run-record';
import { BankPinKeys, DEFAULT_TEST_PIN } from './upi-pin';

/**
 * A small client of kirim's public HTTP API as an outside caller sees it: everything goes through
 * the edge with global fetch, nothing is imported from the services. Shared by the e2e tests, the
 * bench and the demo.
 */

export type BankCode = 'SBXA' | 'SBXB';

export interface HttpResult<T = unknown> {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly contentType: string;
  readonly headers: Headers;
  readonly body: T;
  readonly text: string;
}

/** RFC 9457 problem details as kirim sends them. */
export interface Problem {
  readonly type?: string;
  readonly title?: string;
  readonly status?: number;
  readonly detail?: string;
  readonly code: string;
  readonly resultCode?: string;
}

export interface Session {
  readonly userId: string;
  readonly accessToken: string;
  readonly phone: string;
  /** Set when the session comes from a device binding (every client's way in). */
  readonly bindingId?: string;
  readonly refreshToken?: string;
  readonly device?: Device;
}

/** A session from a device binding: the device, its binding and its current refresh token. */
export interface DeviceSession extends Session {
  readonly bindingId: string;
  readonly refreshToken: string;
  readonly device: Device;
}

export interface DeviceBindingStarted {
  readonly bindingId: string;
  readonly bindingToken: string;
  readonly smsTo: string;
  readonly expiresAt: string;
}

export interface SessionTokens {
  readonly userId: string;
  readonly bindingId: string;
  readonly accessToken: string;
  readonly tokenType: string;
  readonly expiresIn: number;
  readonly refreshToken: string;
  readonly refreshExpiresIn: number;
  readonly userCreated?: boolean;
}

/** What the SMS simulator says about an SMS it was asked to send. */
export interface SimulatedSms {
  readonly messageId: string;
  readonly webhookId: string;
  readonly status: 'pending' | 'delivered' | 'refused' | 'failed' | 'undeliverable';
  readonly attempts: number;
  readonly lastResponse: { readonly status: number | null; readonly code?: string } | null;
}

export interface TokenResponse {
  readonly userId: string;
  readonly accessToken: string;
  readonly tokenType: string;
  readonly expiresIn: number;
}

export interface OpenedSandboxAccount {
  readonly accountRef: string;
  readonly bankCode: string;
  readonly maskedAccountNumber: string;
  readonly balance: MoneyDto;
}

export interface SandboxAccount {
  readonly accountRef: string;
  readonly bankCode: string;
  readonly bankName: string;
  readonly maskedAccountNumber: string;
  readonly holderName: string;
  readonly balance: MoneyDto;
  readonly freeze: SandboxAccountFreeze;
}

/** A sandbox account's freeze: credit lets no money in (YF), debit none out (YE), total neither. */
export type SandboxAccountFreeze = 'none' | 'credit' | 'debit' | 'total';

export interface LedgerSummary {
  readonly accounts: number;
  readonly totalMinorUnitsByCurrency: Record<string, string>;
  readonly customerTotal: Record<string, MoneyDto>;
  readonly customerTotalMinorUnitsByCurrency: Record<string, string>;
  readonly unreconciledAccounts: number;
}

export interface DiscoverableAccount {
  readonly accountRef: string;
  readonly bankCode: string;
  readonly bankName: string;
  readonly maskedAccountNumber: string;
}

export interface LinkedAccount {
  readonly linkedAccountId: string;
  readonly bankCode: string;
  readonly accountRef: string;
  readonly maskedAccountNumber: string;
  readonly isPrimary: boolean;
  readonly linkedAt: string;
}

/** A registered user with one sandbox account, linked as primary. */
export interface Party extends Session {
  readonly displayName: string;
  readonly bankCode: string;
  readonly accountRef: string;
  readonly maskedAccountNumber: string;
  /** identity's id of the linked account (PUT /v1/me/bank-accounts/{id}/upi-pin). */
  readonly linkedAccountId?: string;
  /** The UPI PIN the party set at its bank; pay() encrypts it for every payment unless told otherwise. */
  readonly pin?: string;
}

export interface PaymentAccepted {
  readonly paymentId: string;
  readonly txnId: string;
  readonly status: string;
  readonly amount: MoneyDto;
  readonly payee: { readonly userId: string; readonly displayName: string | null };
  readonly createdAt: string;
}

export interface PaymentView {
  readonly paymentId: string;
  readonly txnId: string;
  readonly status: string;
  readonly amount: MoneyDto;
  readonly resultCode?: string;
  readonly rrn?: string;
  readonly payerUserId: string;
  readonly payeeUserId: string;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface NotificationView {
  readonly notificationId: string;
  readonly kind: string;
  /** The payment it tells of, or the collect request (the other is null). */
  readonly paymentId: string | null;
  readonly collectRequestId: string | null;
  readonly title: string;
  readonly body: string;
  readonly createdAt: string;
  readonly readAt: string | null;
  /** Where it was pushed (the chat platform's webhook) and how that went. */
  readonly deliveries: readonly { readonly channel: string; readonly status: string; readonly attempts: number; readonly deliveredAt: string | null }[];
}

export interface PayRequest {
  /** The payee by phone number, or by `payeeAddress` (`handle@kirim`, docs/payment-addresses.md): one of the two. */
  readonly payeePhone?: string;
  readonly payeeAddress?: string;
  /** A decimal string such as "500.00"; tests may send anything to probe validation. */
  readonly amount: string;
  readonly note?: string;
  /** Defaults to a fresh UUID. */
  readonly idempotencyKey?: string;
  /** The PIN to encrypt for the payer's bank; defaults to the payer's (a Party's `pin`). */
  readonly pin?: string;
  /** Sent as is instead of encrypting `pin`; null sends no encryptedPin at all. */
  readonly encryptedPin?: string | null;
}

/** Statuses after which a payment never changes again. */
export const FINAL_PAYMENT_STATUSES: readonly string[] = ['completed', 'debit_failed', 'reversed'];

/** Thrown when the API answers something the caller did not expect; the message says exactly what. */
export class ApiError extends Error {
  constructor(
    readonly result: HttpResult,
    expected: readonly number[],
  ) {
    super(`${result.method} ${result.path} answered ${result.status} (expected ${expected.join(' or ')}): ${result.text.slice(0, 500)}`);
    this.name = 'ApiError';
  }
}

export function expectStatus<T>(result: HttpResult, ...expected: number[]): HttpResult<T> {
  if (!expected.includes(result.status)) throw new ApiError(result, expected);
  return result as HttpResult<T>;
}

/** "500.00" -> 50000n; throws on anything that is not a valid wire amount. */
export function toMinor(value: string, currency = 'INR'): bigint {
  const money = Money.parse({ value, currency });
  if (Money.isError(money)) throw new Error(`not an amount: ${JSON.stringify(value)} (${money.reason})`);
  return money.minorUnits;
}

/** 50000n -> "500.00" (negative amounts keep their sign). */
export function formatMinor(minorUnits: bigint): string {
  return Money.ofMinor(minorUnits, 'INR').toDto().value;
}

export interface RequestOptions {
  readonly token?: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** A sandbox administration call: sent with the admin token to bank-connector's port (not on the edge). */
  readonly admin?: boolean;
  /** Another base URL than the edge's (a service's own port, for its internal operations). */
  readonly baseUrl?: string;
}

export class Api {
  constructor(
    readonly baseUrl: string = edgeUrl(),
    private readonly adminTokenSource: () => string = sandboxAdminToken,
    /** The sandbox administration API is on bank-connector's own port, never on the public edge. */
    readonly sandboxAdminBaseUrl: string = sandboxAdminUrl(),
  ) {}

  private pinKeyCache?: BankPinKeys;

  /** The banks' UPI PIN keys, from GET /v1/banks at the edge (docs/upi-pin.md). */
  get pinKeys(): BankPinKeys {
    this.pinKeyCache ??= new BankPinKeys(this.baseUrl);
    return this.pinKeyCache;
  }

  /** Sends one request; never throws for an HTTP status (only for a network failure). */
  async request<T = unknown>(method: string, path: string, options: RequestOptions = {}): Promise<HttpResult<T>> {
    const headers: Record<string, string> = { accept: 'application/json, application/problem+json', ...options.headers };
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    if (options.admin) headers['x-sandbox-admin-token'] = this.adminTokenSource();
    let body: string | undefined;
    if (options.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    const baseUrl = options.admin ? this.sandboxAdminBaseUrl : (options.baseUrl ?? this.baseUrl);
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    // Every answer goes on record for the sensitive-data audit (support/run-record.ts).
    recordExchange({
      method,
      path,
      via: options.admin ? 'sandbox-admin' : baseUrl === edgeUrl() ? 'edge' : 'service',
      status: response.status,
      viewer: tokenSubject(options.token),
      requestBody: body ?? null,
      responseBody: text,
    });
    const contentType = response.headers.get('content-type') ?? '';
    let parsed: unknown = text;
    if (/json/i.test(contentType) && text.length > 0) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { method, path, status: response.status, contentType, headers: response.headers, body: parsed as T, text };
  }

  // --- bank-connector sandbox administration -------------------------------------------------

  async openSandboxAccount(input: { bankCode: BankCode; mobile: string; holderName: string; openingBalance: string }): Promise<OpenedSandboxAccount> {
    recordSensitive('phone', input.mobile);
    const result = await this.request('POST', '/v1/sandbox/accounts', {
      admin: true,
      body: { bankCode: input.bankCode, mobile: input.mobile, holderName: input.holderName, openingBalance: { value: input.openingBalance, currency: 'INR' } },
    });
    return expectStatus<OpenedSandboxAccount>(result, 201).body;
  }

  async sandboxAccounts(mobile: string): Promise<SandboxAccount[]> {
    const result = await this.request('GET', `/v1/sandbox/accounts?mobile=${encodeURIComponent(mobile)}`, { admin: true });
    return expectStatus<SandboxAccount[]>(result, 200).body;
  }

  /** The balance of one sandbox account, in minor units. */
  async balanceOf(party: { phone: string; accountRef: string }): Promise<bigint> {
    const account = (await this.sandboxAccounts(party.phone)).find((candidate) => candidate.accountRef === party.accountRef);
    if (!account) throw new Error(`the sandbox has no account ${party.accountRef} for this mobile`);
    return toMinor(account.balance.value, account.balance.currency);
  }

  /** The sandbox operator's PIN reset: the account's PIN and its wrong tries are cleared (204). */
  async resetSandboxPin(accountRef: string): Promise<HttpResult> {
    return this.request('DELETE', `/v1/sandbox/accounts/${encodeURIComponent(accountRef)}/upi-pin`, { admin: true });
  }

  /** The sandbox operator freezes an account as a bank does, or lifts the freeze with 'none'; answers the account (200). */
  async freezeSandboxAccount(accountRef: string, freeze: SandboxAccountFreeze): Promise<SandboxAccount> {
    const result = await this.request('PUT', `/v1/sandbox/accounts/${encodeURIComponent(accountRef)}/freeze`, { admin: true, body: { freeze } });
    return expectStatus<SandboxAccount>(result, 200).body;
  }

  async ledgerSummary(): Promise<LedgerSummary> {
    return expectStatus<LedgerSummary>(await this.request('GET', '/v1/sandbox/ledger/summary', { admin: true }), 200).body;
  }

  // --- identity -----------------------------------------------------------------------------

  // Signing in is binding a device, as a UPI app does (docs/device-binding.md): the device asks
  // to bind, sends the one-time token by SMS from its SIM (here through the SMS simulator, which
  // calls identity's webhook as a provider would), then proves it holds its key and gets tokens.

  /** Step 1: POST /v1/device-bindings, as sent (the caller checks the status). */
  async startDeviceBinding(device: Device): Promise<HttpResult<DeviceBindingStarted | Problem>> {
    const result = await this.request<DeviceBindingStarted | Problem>('POST', '/v1/device-bindings', {
      body: { phone: device.phone, deviceId: device.deviceId, devicePublicKey: device.publicJwk },
    });
    recordSensitive('phone', device.phone);
    if (result.status === 201) recordSensitive('binding-token', (result.body as DeviceBindingStarted).bindingToken);
    return result;
  }

  /** Step 2: the phone sends an SMS; the simulator answers after its first delivery attempt. */
  async sendSms(from: string, to: string, text: string): Promise<SimulatedSms> {
    const response = await fetch(`${smsSimulatorUrl()}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ from, to, text }) });
    if (response.status !== 201) throw new Error(`the SMS simulator answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
    return (await response.json()) as SimulatedSms;
  }

  /** Step 3: POST /v1/device-bindings/{id}/tokens with a proof by the device key, as sent. */
  async completeDeviceBinding(device: Device, bindingId: string, displayName?: string, proof?: string): Promise<HttpResult<SessionTokens | Problem>> {
    const result = await this.request<SessionTokens | Problem>('POST', `/v1/device-bindings/${encodeURIComponent(bindingId)}/tokens`, {
      body: { proof: proof ?? (await deviceProof(device, bindingId, DEVICE_PROOF_PURPOSES.COMPLETE_BINDING)), ...(displayName !== undefined ? { displayName } : {}) },
    });
    if (result.status === 200) recordSessionSecrets(device.phone, result.body as SessionTokens);
    return result;
  }

  /** The whole binding of a (new, by default) device to `phone`; the user is created on their first binding. */
  async bindDevice(phone: string, displayName?: string, device?: Device): Promise<DeviceSession & { userCreated: boolean }> {
    const bound = device ?? (await newDevice(phone));
    const started = expectStatus<DeviceBindingStarted>(await this.startDeviceBinding(bound), 201).body;
    const sms = await this.sendSms(phone, started.smsTo, started.bindingToken);
    if (sms.status !== 'delivered') throw new Error(`the binding SMS was not delivered: ${JSON.stringify(sms)}`);
    const tokens = expectStatus<SessionTokens>(await this.completeDeviceBinding(bound, started.bindingId, displayName), 200).body;
    return { userId: tokens.userId, accessToken: tokens.accessToken, phone, bindingId: tokens.bindingId, refreshToken: tokens.refreshToken, device: bound, userCreated: tokens.userCreated === true };
  }

  /** POST /v1/tokens/refresh with a fresh proof, as sent. */
  async refreshTokens(session: DeviceSession, refreshToken: string = session.refreshToken): Promise<HttpResult<SessionTokens | Problem>> {
    const result = await this.request<SessionTokens | Problem>('POST', '/v1/tokens/refresh', {
      body: { refreshToken, proof: await refreshProof(session.device, session.bindingId, refreshToken) },
    });
    if (result.status === 200) recordSessionSecrets(session.phone, result.body as SessionTokens);
    return result;
  }

  /** Refreshes and insists on success: the session with its new access and refresh tokens. */
  async refresh(session: DeviceSession): Promise<DeviceSession> {
    const tokens = expectStatus<SessionTokens>(await this.refreshTokens(session), 200).body;
    return { ...session, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken };
  }

  /** A new user: binds a new device to the phone (the user is created by their first binding). */
  async register(phone: string, displayName: string): Promise<DeviceSession> {
    return this.bindDevice(phone, displayName);
  }

  /** Signs in an existing user: binds a new device, which revokes their other devices. */
  async login(phone: string): Promise<DeviceSession> {
    return this.bindDevice(phone);
  }

  /** Binds a device to the phone; `registered` says whether this created the user. */
  async registerOrLogin(phone: string, displayName: string): Promise<DeviceSession & { registered: boolean }> {
    const session = await this.bindDevice(phone, displayName);
    return { ...session, registered: session.userCreated };
  }

  /**
   * Sandbox login (POST /v1/users, else POST /v1/sessions): a token for a bare phone number, bound to
   * no device. Local development only: the local stack runs identity with IDENTITY_SANDBOX_LOGIN=true
   * (scripts/stack.sh); production refuses to start with it (docs/device-binding.md). Tests use it only
   * where a device-bound user cannot go: past the ₹5,000 new-device cooling period, which a device
   * bound seconds ago is always in (docs/limits-and-scheme-profiles.md).
   */
  async sandboxLogin(phone: string, displayName: string): Promise<Session> {
    let result = await this.request<TokenResponse>('POST', '/v1/users', { body: { phone, displayName } });
    if (result.status === 409) result = await this.request<TokenResponse>('POST', '/v1/sessions', { body: { phone } });
    const tokens = expectStatus<TokenResponse>(result, 201, 200).body;
    recordSensitive('phone', phone, tokens.userId);
    recordSensitive('access-token', tokens.accessToken, tokens.userId);
    return { userId: tokens.userId, accessToken: tokens.accessToken, phone };
  }

  async discoverableAccounts(session: Session): Promise<DiscoverableAccount[]> {
    return expectStatus<DiscoverableAccount[]>(await this.request('GET', '/v1/me/bank-accounts/discoverable', { token: session.accessToken }), 200).body;
  }

  /** Links an account; 201 when linked now, 200 when it already was. */
  async linkAccount(session: Session, accountRef: string): Promise<LinkedAccount> {
    const result = await this.request('POST', '/v1/me/bank-accounts', { token: session.accessToken, body: { accountRef } });
    return expectStatus<LinkedAccount>(result, 201, 200).body;
  }

  /**
   * Everything a new user needs to pay and be paid, in one call: a sandbox account at `bankCode`
   * for the phone, a registered user, and that account discovered and linked (as primary).
   */
  async registerWithAccount(input: { phone: string; displayName: string; bankCode: BankCode; openingBalance: string; pin?: string; sandboxLogin?: boolean }): Promise<Party> {
    const opened = await this.openSandboxAccount({ bankCode: input.bankCode, mobile: input.phone, holderName: input.displayName, openingBalance: input.openingBalance });
    // `sandboxLogin`: a user without a device binding (see sandboxLogin), for tests past the cooling period.
    const session = input.sandboxLogin ? await this.sandboxLogin(input.phone, input.displayName) : await this.register(input.phone, input.displayName);
    const discoverable = await this.discoverableAccounts(session);
    const found = discoverable.find((account) => account.accountRef === opened.accountRef);
    if (!found) {
      throw new Error(`the account just opened (${opened.accountRef} at ${opened.bankCode}) is not discoverable: ${JSON.stringify(discoverable)}`);
    }
    const linked = await this.linkAccount(session, found.accountRef);
    // Every payment needs the UPI PIN: set it at the bank, as a new UPI user does after linking.
    const pin = input.pin ?? DEFAULT_TEST_PIN;
    expectStatus(await this.setUpiPin(session, linked.linkedAccountId, await this.pinKeys.setPin(linked.bankCode, pin)), 200);
    return {
      ...session,
      displayName: input.displayName,
      bankCode: linked.bankCode,
      accountRef: linked.accountRef,
      maskedAccountNumber: linked.maskedAccountNumber,
      linkedAccountId: linked.linkedAccountId,
      pin,
    };
  }

  /** PUT /v1/me/bank-accounts/{id}/upi-pin with a PIN block (set-pin or change-pin), as sent. */
  async setUpiPin(session: Session, linkedAccountId: string, encryptedPin: string): Promise<HttpResult<{ change: string } | Problem>> {
    return this.request('PUT', `/v1/me/bank-accounts/${encodeURIComponent(linkedAccountId)}/upi-pin`, { token: session.accessToken, body: { encryptedPin } });
  }

  async me(session: Session): Promise<HttpResult> {
    return this.request('GET', '/v1/me', { token: session.accessToken });
  }

  /** PATCH /v1/me: the caller's language and time zone, as sent (the caller checks the status). */
  async updateMe(session: Session, body: { locale?: unknown; timeZone?: unknown }): Promise<HttpResult<{ locale: string | null; timeZone: string | null } | Problem>> {
    return this.request('PATCH', '/v1/me', { token: session.accessToken, body });
  }

  // --- payments -------------------------------------------------------------------------------

  /** POST /v1/payments as sent; the caller inspects the status (202 new, 200 replay, 4xx problems). */
  async pay(session: Session | null, request: PayRequest): Promise<HttpResult<PaymentAccepted | Problem>> {
    const encryptedPin = request.encryptedPin !== undefined ? request.encryptedPin : await this.payPinBlock(session, request);
    return this.request<PaymentAccepted | Problem>('POST', '/v1/payments', {
      token: session?.accessToken,
      headers: { 'idempotency-key': request.idempotencyKey ?? randomUUID() },
      body: {
        payee: request.payeeAddress !== undefined ? { address: request.payeeAddress } : { phone: request.payeePhone },
        amount: { value: request.amount, currency: 'INR' },
        ...(request.note !== undefined ? { note: request.note } : {}),
        ...(encryptedPin !== null ? { encryptedPin } : {}),
      },
    });
  }

  /** The payer's PIN encrypted for the payer's bank and this amount; null when the session is no Party with a PIN. */
  private async payPinBlock(session: Session | null, request: PayRequest): Promise<string | null> {
    const payer = session as Partial<Party> | null;
    const pin = request.pin ?? payer?.pin;
    if (!payer?.bankCode || pin === undefined) return null;
    return this.pinKeys.pay(payer.bankCode, pin, request.amount);
  }

  /**
   * Pays as a well-behaved client does: an answer that says to come back later is sent again with
   * the same Idempotency-Key after its Retry-After, until it is answered otherwise. Such answers
   * record nothing: 429 (the payer's payee-lookup bucket reserves a miss's cost for every lookup in
   * flight, so only a few lookups can be in flight at once; docs/payment-addresses.md) and 503
   * `payments-overloaded` (payments is behind, e.g. catching up after an outage;
   * docs/payment-lifecycle.md, "Backpressure").
   */
  async payHonouringRetryAfter(session: Session, request: PayRequest, attempts = 20): Promise<HttpResult<PaymentAccepted | Problem>> {
    const keyed = { ...request, idempotencyKey: request.idempotencyKey ?? randomUUID() };
    for (let attempt = 1; ; attempt += 1) {
      const result = await this.pay(session, keyed);
      const comeBackLater = result.status === 429 || (result.status === 503 && (result.body as Partial<Problem> | undefined)?.code === 'payments-overloaded');
      if (!comeBackLater || attempt >= attempts) return result;
      const seconds = Number(result.headers.get('retry-after'));
      await new Promise((resolve) => setTimeout(resolve, (Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 5) : 1) * 1000 + Math.floor(Math.random() * 250)));
    }
  }

  /** Pays and insists on acceptance (202). */
  async payAccepted(session: Session, request: PayRequest): Promise<PaymentAccepted> {
    return expectStatus<PaymentAccepted>(await this.pay(session, request), 202).body;
  }

  async getPayment(session: Session, paymentId: string): Promise<PaymentView> {
    return expectStatus<PaymentView>(await this.request('GET', `/v1/payments/${encodeURIComponent(paymentId)}`, { token: session.accessToken }), 200).body;
  }

  /** Polls GET /v1/payments/:id until the payment is final; throws with its last status at the deadline. */
  async waitUntilFinal(session: Session, paymentId: string, { timeoutMs = 30_000, intervalMs = 150 } = {}): Promise<PaymentView> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const payment = await this.getPayment(session, paymentId);
      if (FINAL_PAYMENT_STATUSES.includes(payment.status)) return payment;
      if (Date.now() >= deadline) throw new Error(`payment ${paymentId} not final after ${timeoutMs} ms: last seen ${JSON.stringify(payment)}`);
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }

  // --- notifications ----------------------------------------------------------------------------

  /** POST /v1/me/notifications/{id}/read: the notification, read. */
  async markNotificationRead(session: Session, notificationId: string): Promise<NotificationView> {
    return expectStatus<NotificationView>(await this.request('POST', `/v1/me/notifications/${notificationId}/read`, { token: session.accessToken }), 200).body;
  }

  /** The newest `limit` notifications (the first page of the inbox). */
  async notifications(session: Session, limit = 100): Promise<NotificationView[]> {
    return expectStatus<{ items: NotificationView[]; nextCursor?: string }>(await this.request('GET', `/v1/me/notifications?limit=${limit}`, { token: session.accessToken }), 200).body.items;
  }
}

/** The phone and the secrets of a session, on record for the sensitive-data audit. */
function recordSessionSecrets(phone: string, tokens: SessionTokens): void {
  recordSensitive('phone', phone, tokens.userId);
  recordSensitive('access-token', tokens.accessToken, tokens.userId);
  recordSensitive('refresh-token', tokens.refreshToken, tokens.userId);
}
