import { randomUUID } from 'node:crypto';
import { Money, MoneyDto } from '@kirim/contracts';
import { edgeUrl, sandboxAdminToken } from './config';

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
}

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
  readonly paymentId: string;
  readonly title: string;
  readonly body: string;
  readonly createdAt: string;
  readonly readAt: string | null;
}

export interface PayRequest {
  readonly payeePhone: string;
  /** A decimal string such as "500.00"; tests may send anything to probe validation. */
  readonly amount: string;
  readonly note?: string;
  /** Defaults to a fresh UUID. */
  readonly idempotencyKey?: string;
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
  readonly admin?: boolean;
}

export class Api {
  constructor(
    readonly baseUrl: string = edgeUrl(),
    private readonly adminTokenSource: () => string = sandboxAdminToken,
  ) {}

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
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
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

  async ledgerSummary(): Promise<LedgerSummary> {
    return expectStatus<LedgerSummary>(await this.request('GET', '/v1/sandbox/ledger/summary', { admin: true }), 200).body;
  }

  // --- identity -----------------------------------------------------------------------------

  async register(phone: string, displayName: string): Promise<Session> {
    const token = expectStatus<TokenResponse>(await this.request('POST', '/v1/users', { body: { phone, displayName } }), 201).body;
    return { userId: token.userId, accessToken: token.accessToken, phone };
  }

  async login(phone: string): Promise<Session> {
    const token = expectStatus<TokenResponse>(await this.request('POST', '/v1/sessions', { body: { phone } }), 200, 201).body;
    return { userId: token.userId, accessToken: token.accessToken, phone };
  }

  /** Registers the phone, or logs in when it is already registered (409 already-registered). */
  async registerOrLogin(phone: string, displayName: string): Promise<Session & { registered: boolean }> {
    const result = await this.request<TokenResponse | Problem>('POST', '/v1/users', { body: { phone, displayName } });
    if (result.status === 409) return { ...(await this.login(phone)), registered: false };
    const token = expectStatus<TokenResponse>(result, 201).body;
    return { userId: token.userId, accessToken: token.accessToken, phone, registered: true };
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
  async registerWithAccount(input: { phone: string; displayName: string; bankCode: BankCode; openingBalance: string }): Promise<Party> {
    const opened = await this.openSandboxAccount({ bankCode: input.bankCode, mobile: input.phone, holderName: input.displayName, openingBalance: input.openingBalance });
    const session = await this.register(input.phone, input.displayName);
    const discoverable = await this.discoverableAccounts(session);
    const found = discoverable.find((account) => account.accountRef === opened.accountRef);
    if (!found) {
      throw new Error(`the account just opened (${opened.accountRef} at ${opened.bankCode}) is not discoverable: ${JSON.stringify(discoverable)}`);
    }
    const linked = await this.linkAccount(session, found.accountRef);
    return {
      ...session,
      displayName: input.displayName,
      bankCode: linked.bankCode,
      accountRef: linked.accountRef,
      maskedAccountNumber: linked.maskedAccountNumber,
    };
  }

  async me(session: Session): Promise<HttpResult> {
    return this.request('GET', '/v1/me', { token: session.accessToken });
  }

  // --- payments -------------------------------------------------------------------------------

  /** POST /v1/payments as sent; the caller inspects the status (202 new, 200 replay, 4xx problems). */
  async pay(session: Session | null, request: PayRequest): Promise<HttpResult<PaymentAccepted | Problem>> {
    return this.request<PaymentAccepted | Problem>('POST', '/v1/payments', {
      token: session?.accessToken,
      headers: { 'idempotency-key': request.idempotencyKey ?? randomUUID() },
      body: { payee: { phone: request.payeePhone }, amount: { value: request.amount, currency: 'INR' }, ...(request.note !== undefined ? { note: request.note } : {}) },
    });
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

  async notifications(session: Session, limit = 100): Promise<NotificationView[]> {
    return expectStatus<NotificationView[]>(await this.request('GET', `/v1/me/notifications?limit=${limit}`, { token: session.accessToken }), 200).body;
  }
}
