/**
 * The quick-start demo against the running local stack (after `scripts/stack.sh up`):
 *
 *   node -r ./tools/ts-register.cjs tools/demo/demo.ts
 *
 * Seeds the demo accounts in the sandbox banks when missing (Asha at SBXA, Bala at SBXB), registers
 * both users (or logs them in), links their accounts, pays ₹500.00 from Asha to Bala through the
 * edge, waits for the payment to complete and prints the payment, both balances and both users'
 * latest notification. Rerunnable: when Asha runs low, Bala first sends money back. Exit code 1 if
 * anything fails. Env: EDGE_URL (default http://127.0.0.1:8080), BANK_CONNECTOR_URL (the sandbox
 * administration API is on bank-connector's own port, not on the edge; default http://127.0.0.1:3003),
 * SANDBOX_ADMIN_TOKEN (default: the token scripts/stack.sh wrote to .local/keys/sandbox-admin-token).
 */
import { randomUUID } from 'node:crypto';
import { Api, BankCode, formatMinor, NotificationView, PaymentView, Session, toMinor } from '../../apps/e2e/src/support/api';
import { DEFAULT_TEST_PIN } from '../../apps/e2e/src/support/upi-pin';

interface DemoUser {
  readonly name: string;
  readonly phone: string;
  readonly bankCode: BankCode;
  readonly openingBalance: string;
}

interface ReadyUser extends DemoUser, Session {
  readonly accountRef: string;
  readonly maskedAccountNumber: string;
  /** The UPI PIN the demo set; Api.pay encrypts it for the payer's bank. */
  readonly pin: string;
}

const ASHA: DemoUser = { name: 'Asha', phone: '+919800000001', bankCode: 'SBXA', openingBalance: '10000.00' };
const BALA: DemoUser = { name: 'Bala', phone: '+919800000002', bankCode: 'SBXB', openingBalance: '1000.00' };
const AMOUNT = '500.00';
const PAYMENT_TIMEOUT_MS = 30_000;
const NOTIFICATION_TIMEOUT_MS = 15_000;

const api = new Api();

function step(message: string): void {
  console.log(`\n▸ ${message}`);
}

function table(headers: string[], rows: string[][]): void {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]): string => `  ${cells.map((cell, column) => cell.padEnd(widths[column])).join('  ')}`.trimEnd();
  console.log(line(headers));
  console.log(line(widths.map((width) => '-'.repeat(width))));
  for (const row of rows) console.log(line(row));
}

/** The demo user's account at their bank: seeded when missing, then the user registered (or logged in) and the account linked. */
async function prepare(user: DemoUser): Promise<ReadyUser> {
  let account = (await api.sandboxAccounts(user.phone)).find((candidate) => candidate.bankCode === user.bankCode);
  if (account) {
    console.log(`  ${user.name}: sandbox account at ${user.bankCode} exists (${account.maskedAccountNumber})`);
  } else {
    const opened = await api.openSandboxAccount({ bankCode: user.bankCode, mobile: user.phone, holderName: user.name, openingBalance: user.openingBalance });
    console.log(`  ${user.name}: opened sandbox account at ${user.bankCode} (${opened.maskedAccountNumber}) with ₹${opened.balance.value}`);
    account = (await api.sandboxAccounts(user.phone)).find((candidate) => candidate.accountRef === opened.accountRef);
    if (!account) throw new Error(`the account just opened for ${user.name} is not listed by the sandbox`);
  }

  const session = await api.registerOrLogin(user.phone, user.name);
  console.log(`  ${user.name}: ${session.registered ? 'registered' : 'already registered, logged in'} (user ${session.userId})`);

  const discoverable = await api.discoverableAccounts(session);
  const found = discoverable.find((candidate) => candidate.accountRef === account.accountRef);
  if (!found) throw new Error(`${user.name}'s account at ${user.bankCode} is not discoverable through identity: ${JSON.stringify(discoverable)}`);
  const linked = await api.linkAccount(session, found.accountRef);
  console.log(`  ${user.name}: account ${linked.maskedAccountNumber} at ${linked.bankCode} linked${linked.isPrimary ? ' (primary)' : ''}`);
  // Every payment needs the UPI PIN (docs/upi-pin.md): set on the first run; a later run finds it set
  // (the bank then takes only a change, and refuses a second set with U14) and pays with the same PIN.
  const setPin = await api.setUpiPin(session, linked.linkedAccountId, await api.pinKeys.setPin(linked.bankCode, DEFAULT_TEST_PIN));
  const alreadySet = setPin.status === 422 && (setPin.body as { resultCode?: string }).resultCode === 'U14';
  if (setPin.status !== 200 && !alreadySet) throw new Error(`${user.name}'s UPI PIN could not be set: ${setPin.status} ${setPin.text}`);
  console.log(`  ${user.name}: UPI PIN ${alreadySet ? 'already set' : 'set'} at ${linked.bankCode}`);
  return { ...user, ...session, accountRef: linked.accountRef, maskedAccountNumber: linked.maskedAccountNumber, pin: DEFAULT_TEST_PIN };
}

async function printBalances(users: readonly ReadyUser[]): Promise<Map<string, bigint>> {
  const balances = new Map<string, bigint>();
  const rows: string[][] = [];
  for (const user of users) {
    const balance = await api.balanceOf(user);
    balances.set(user.userId, balance);
    rows.push([user.name, user.phone, user.bankCode, user.maskedAccountNumber, `₹${formatMinor(balance)}`]);
  }
  table(['user', 'phone', 'bank', 'account', 'balance'], rows);
  return balances;
}

async function pay(from: ReadyUser, to: ReadyUser, amount: string, note: string): Promise<PaymentView> {
  const accepted = await api.payAccepted(from, { payeePhone: to.phone, amount, note, idempotencyKey: `demo-${randomUUID()}` });
  console.log(`  accepted: payment ${accepted.paymentId}, txn ${accepted.txnId}, status ${accepted.status}`);
  const payment = await api.waitUntilFinal(from, accepted.paymentId, { timeoutMs: PAYMENT_TIMEOUT_MS, intervalMs: 200 });
  if (payment.status !== 'completed') {
    throw new Error(`payment ${payment.paymentId} ended ${payment.status}${payment.resultCode ? ` with result code ${payment.resultCode}` : ''}`);
  }
  return payment;
}

async function notificationAbout(user: ReadyUser, paymentId: string): Promise<NotificationView> {
  const deadline = Date.now() + NOTIFICATION_TIMEOUT_MS;
  for (;;) {
    const found = (await api.notifications(user, 20)).find((notification) => notification.paymentId === paymentId);
    if (found) return found;
    if (Date.now() >= deadline) throw new Error(`${user.name} has no notification for payment ${paymentId} after ${NOTIFICATION_TIMEOUT_MS / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function main(): Promise<void> {
  console.log(`kirim demo — ${api.baseUrl}`);

  step('Seeding the sandbox banks and onboarding Asha and Bala');
  const asha = await prepare(ASHA);
  const bala = await prepare(BALA);

  step('Balances before');
  let before = await printBalances([asha, bala]);

  // Every run moves ₹500 to Bala; when Asha can no longer afford it, Bala sends her back what she gave.
  const ashaBalance = before.get(asha.userId) ?? 0n;
  if (ashaBalance < toMinor(AMOUNT)) {
    const topUp = toMinor(ASHA.openingBalance) - ashaBalance;
    const balaBalance = before.get(bala.userId) ?? 0n;
    const back = topUp <= balaBalance ? topUp : balaBalance;
    step(`Asha is low (₹${formatMinor(ashaBalance)}): Bala pays ₹${formatMinor(back)} back first so the demo can run again`);
    await pay(bala, asha, formatMinor(back), 'demo top-up');
    before = await printBalances([asha, bala]);
  }

  step(`Asha pays Bala ₹${AMOUNT}`);
  const payment = await pay(asha, bala, AMOUNT, 'demo: dinner');
  table(['payment', 'txnId', 'rrn', 'status', 'result', 'amount'], [
    [payment.paymentId, payment.txnId, payment.rrn ?? '-', payment.status, payment.resultCode ?? '-', `₹${payment.amount.value}`],
  ]);

  step('Balances after');
  const after = await printBalances([asha, bala]);
  const ashaDelta = (after.get(asha.userId) ?? 0n) - (before.get(asha.userId) ?? 0n);
  const balaDelta = (after.get(bala.userId) ?? 0n) - (before.get(bala.userId) ?? 0n);
  if (ashaDelta !== -toMinor(AMOUNT) || balaDelta !== toMinor(AMOUNT)) {
    throw new Error(`balances moved by ${formatMinor(ashaDelta)} (Asha) and ${formatMinor(balaDelta)} (Bala), expected -${AMOUNT} and +${AMOUNT}`);
  }

  step('Latest notifications');
  const rows: string[][] = [];
  for (const user of [asha, bala]) {
    const notification = await notificationAbout(user, payment.paymentId);
    // The message line only: the time and the references follow it on lines of their own (docs/notifications.md).
    rows.push([user.name, notification.kind, notification.title, notification.body.split('\n')[0]]);
  }
  table(['user', 'kind', 'title', 'text'], rows);

  const ledger = await api.ledgerSummary();
  const total = ledger.totalMinorUnitsByCurrency.INR ?? '0';
  console.log(`\n  sandbox ledger: total of all balances ${total} (double entry: always 0), customers hold ₹${ledger.customerTotal.INR?.value ?? '0.00'}`);
  if (total !== '0') throw new Error(`the sandbox ledger does not balance: total ${total}`);
  console.log('\n✓ demo complete');
}

main().catch((error: unknown) => {
  console.error(`\n✗ demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
