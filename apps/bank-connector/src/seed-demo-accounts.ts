/**
 * Seeds the demo accounts through the sandbox administration API of a running bank-connector:
 *   SANDBOX_ADMIN_TOKEN=... node -r ./tools/ts-register.cjs apps/bank-connector/src/seed-demo-accounts.ts
 * (or `node dist/apps/bank-connector/apps/bank-connector/src/seed-demo-accounts.js` after a build).
 * BANK_CONNECTOR_URL defaults to http://127.0.0.1:3003.
 *
 * Idempotent: an account with the same mobile at the same bank is left as it is (its balance is not
 * topped up), so running it again, or after payments, changes nothing.
 */
import type { MoneyDto } from '@kirim/contracts';

export interface DemoAccount {
  readonly holderName: string;
  readonly mobile: string;
  readonly bankCode: string;
  readonly openingBalance: MoneyDto;
}

export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  { holderName: 'Asha', mobile: '+919800000001', bankCode: 'SBXA', openingBalance: { value: '10000.00', currency: 'INR' } },
  { holderName: 'Bala', mobile: '+919800000002', bankCode: 'SBXB', openingBalance: { value: '1000.00', currency: 'INR' } },
];

export type SeedOutcome = { readonly holderName: string; readonly bankCode: string; readonly maskedAccountNumber: string; readonly created: boolean };

type Fetch = (url: string, init?: { method?: string; headers?: Record<string, string>; body?: string }) => Promise<{ status: number; json(): Promise<unknown> }>;

interface AccountSummary {
  bankCode: string;
  maskedAccountNumber: string;
}

export async function seedDemoAccounts(baseUrl: string, adminToken: string, fetchFn: Fetch, accounts: readonly DemoAccount[] = DEMO_ACCOUNTS): Promise<SeedOutcome[]> {
  const headers = { 'content-type': 'application/json', 'x-sandbox-admin-token': adminToken };
  const outcomes: SeedOutcome[] = [];
  for (const account of accounts) {
    const listed = await fetchFn(`${baseUrl}/v1/sandbox/accounts?mobile=${encodeURIComponent(account.mobile)}`, { headers });
    if (listed.status !== 200) {
      throw new Error(`listing sandbox accounts answered ${listed.status}${listed.status === 404 ? ' (is SANDBOX_ADMIN_TOKEN set on the service?)' : ''}`);
    }
    const existing = ((await listed.json()) as AccountSummary[]).find((candidate) => candidate.bankCode === account.bankCode);
    if (existing) {
      outcomes.push({ holderName: account.holderName, bankCode: account.bankCode, maskedAccountNumber: existing.maskedAccountNumber, created: false });
      continue;
    }
    const opened = await fetchFn(`${baseUrl}/v1/sandbox/accounts`, { method: 'POST', headers, body: JSON.stringify(account) });
    if (opened.status !== 201) {
      throw new Error(`opening the account of ${account.holderName} at ${account.bankCode} answered ${opened.status}: ${JSON.stringify(await opened.json())}`);
    }
    const body = (await opened.json()) as AccountSummary;
    outcomes.push({ holderName: account.holderName, bankCode: account.bankCode, maskedAccountNumber: body.maskedAccountNumber, created: true });
  }
  return outcomes;
}

async function main(): Promise<void> {
  const baseUrl = (process.env.BANK_CONNECTOR_URL ?? 'http://127.0.0.1:3003').replace(/\/+$/, '');
  const token = process.env.SANDBOX_ADMIN_TOKEN;
  if (!token) {
    throw new Error('SANDBOX_ADMIN_TOKEN is required (the same value the bank-connector runs with)');
  }
  const outcomes = await seedDemoAccounts(baseUrl, token, (url, init) => fetch(url, init));
  for (const outcome of outcomes) {
    process.stdout.write(`${outcome.created ? 'opened' : 'kept  '} ${outcome.holderName} at ${outcome.bankCode} (${outcome.maskedAccountNumber})\n`);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`seed-demo-accounts: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
