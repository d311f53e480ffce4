import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MoneyDto } from '@kirim/contracts';
import { uniquePhone } from '@kirim/testing';
import { Api, expectStatus, HttpResult, Party, toMinor } from './api';
import { kirimHome } from './config';
import { DEFAULT_TEST_PIN } from './upi-pin';

/**
 * The example partner bank of the local stack (apps/example-partner) as its own staff would use it:
 * its administration API, on its own port (a bank's back office is not behind kirim's edge), to
 * open accounts with money in them and read balances.
 */

export interface PartnerAccount {
  readonly accountRef: string;
  readonly maskedAccountNumber: string;
  readonly holderName: string;
  readonly balance: MoneyDto;
}

export const EXAMPLE_PARTNER_BANK = process.env.EXAMPLE_PARTNER_BANK ?? 'XMPL';

export class ExamplePartner {
  constructor(
    readonly baseUrl: string = (process.env.EXAMPLE_PARTNER_URL ?? 'http://127.0.0.1:3010').replace(/\/+$/, ''),
    private readonly token: () => string = partnerAdminToken,
  ) {}

  private async request<T>(method: string, path: string, body?: unknown): Promise<HttpResult<T>> {
    const headers: Record<string, string> = { accept: 'application/json', 'x-partner-admin-token': this.token() };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      /* not JSON: kept as text */
    }
    return { method, path, status: response.status, contentType: response.headers.get('content-type') ?? '', headers: response.headers, body: parsed as T, text };
  }

  async openAccount(input: { mobile: string; holderName: string; openingBalance: string }): Promise<PartnerAccount> {
    return expectStatus<PartnerAccount>(await this.request('POST', '/v1/admin/accounts', input), 201).body;
  }

  async accounts(mobile: string): Promise<PartnerAccount[]> {
    return expectStatus<{ accounts: PartnerAccount[] }>(await this.request('GET', `/v1/admin/accounts?mobile=${encodeURIComponent(mobile)}`), 200).body.accounts;
  }

  /**
   * The bank's own PIN channel (PUT /v1/admin/accounts/{ref}/upi-pin): a PIN block the customer's
   * device encrypted for the bank (set-pin, or change-pin with the current PIN), as sent.
   */
  async setUpiPin(accountRef: string, encryptedPin: string): Promise<HttpResult<{ change: string }>> {
    return this.request('PUT', `/v1/admin/accounts/${encodeURIComponent(accountRef)}/upi-pin`, { encryptedPin });
  }

  /** The bank's reset: the PIN and its wrong tries are gone (204). */
  async resetUpiPin(accountRef: string): Promise<HttpResult> {
    return this.request('DELETE', `/v1/admin/accounts/${encodeURIComponent(accountRef)}/upi-pin`);
  }

  /** The balance of a party's account at this bank, in minor units. */
  async balanceOf(party: { accountRef: string }): Promise<bigint> {
    const account = expectStatus<PartnerAccount>(await this.request('GET', `/v1/admin/accounts/${party.accountRef}`), 200).body;
    return toMinor(account.balance.value, account.balance.currency);
  }
}

/** The example partner's admin token: PARTNER_ADMIN_TOKEN, else the one scripts/stack.sh made. */
export function partnerAdminToken(): string {
  const fromEnv = process.env.PARTNER_ADMIN_TOKEN?.trim();
  if (fromEnv) return fromEnv;
  const file = join(kirimHome(), 'keys', 'partner-admin-token');
  if (!existsSync(file)) throw new Error(`no partner admin token: set PARTNER_ADMIN_TOKEN or run scripts/stack.sh up (it writes ${file})`);
  return readFileSync(file, 'utf8').trim();
}

/**
 * A fresh kirim user whose bank is the example partner: an account opened at the bank for the
 * phone, the user registered with kirim, the account discovered (kirim asks the bank over its
 * topic) and linked as primary, and its UPI PIN set in the bank's own channel.
 */
export async function freshPartnerParty(api: Api, bank: ExamplePartner, label: string, openingBalance: string, pin: string = DEFAULT_TEST_PIN): Promise<Party> {
  const phone = uniquePhone();
  const displayName = `e2e ${label} ${randomUUID().slice(0, 8)}`;
  const opened = await bank.openAccount({ mobile: phone, holderName: displayName, openingBalance });
  const session = await api.register(phone, displayName);
  const discoverable = await api.discoverableAccounts(session);
  const found = discoverable.find((account) => account.accountRef === opened.accountRef);
  if (!found) throw new Error(`the account opened at ${EXAMPLE_PARTNER_BANK} (${opened.accountRef}) is not discoverable: ${JSON.stringify(discoverable)}`);
  const linked = await api.linkAccount(session, found.accountRef);
  // A partner bank sets PINs in its own channels (kirim's PUT /v1/me/bank-accounts/{id}/upi-pin is
  // for sandbox accounts); the block is made with the key kirim publishes for the bank (GET /v1/banks),
  // as for any bank.
  expectStatus(await bank.setUpiPin(opened.accountRef, await api.pinKeys.setPin(linked.bankCode, pin)), 200);
  return { ...session, displayName, bankCode: linked.bankCode, accountRef: linked.accountRef, maskedAccountNumber: linked.maskedAccountNumber, linkedAccountId: linked.linkedAccountId, pin };
}
