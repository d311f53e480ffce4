import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_TYPES, RESULT_CODES } from '@kirim/contracts';
import { eventually } from '@kirim/testing';
import { Api, HttpResult, Party, PaymentView, toMinor } from './support/api';
import { kirimHome, REPO_ROOT } from './support/config';
import { databaseExecute } from './support/database-rows';
import { ExamplePartner, freshPartnerParty } from './support/example-partner';
import { alertsRaised, asOperator } from './support/operator';
import { freshParty } from './support/parties';

/*
 * Every payment ends (docs/payment-lifecycle.md), on the running stack with its local scheme profile
 * (deploy/local/scheme-profiles/upi-local.json: status checks within ~20 s, outcomes deemed 130 s
 * after the last check, reversal retries after 3, 6 and 12 s):
 * - a bank that never answers: the payment ends as the profile says, with its code, balances restored,
 *   and the bank, back later, cannot apply the stale request any more;
 * - a reversal the payer's bank declines: retried, then left to an operator with an alert, and
 *   reversed once the operator retries after the cause is gone;
 * - a poisoned leg: its answer dead-lettered, the payment flagged, listed, replayed after the fix,
 *   and the payment ends, its money moved once.
 */

interface PaymentWithReversal extends PaymentView {
  readonly reversal?: { readonly dueBy: string; readonly attempts: number; readonly lastResultCode?: string };
}

interface NeedingOperator {
  readonly paymentId: string;
  readonly reasons: string[];
  readonly flags: { readonly reason: string; readonly deadLetterId: string | null }[];
}

interface DeadLetter {
  readonly deadLetterId: string;
  readonly recordKey: string | null;
  readonly ceType: string | null;
  readonly reason: string;
  readonly replayable: boolean;
  readonly status: 'open' | 'replayed';
}

const api = new Api();

async function paymentOf(party: Party, paymentId: string): Promise<PaymentWithReversal> {
  const result = await api.request<PaymentWithReversal>('GET', `/v1/payments/${paymentId}`, { token: party.accessToken });
  expect(result.status).toBe(200);
  return result.body;
}

/** Every payment the operator list holds (all pages: earlier tests leave theirs on it too). */
async function needingOperator(): Promise<NeedingOperator[]> {
  const all: NeedingOperator[] = [];
  let cursor: string | null = null;
  do {
    const page: HttpResult<{ payments: NeedingOperator[]; nextCursor: string | null }> = await asOperator(
      api,
      'GET',
      `/payments/needing-operator?limit=100${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`,
    );
    expect(page.status).toBe(200);
    all.push(...page.body.payments);
    cursor = page.body.nextCursor;
  } while (cursor !== null);
  return all;
}

/** The open dead letters of one payment: newest first, so the first page holds a payment just made. */
async function openDeadLettersOf(paymentId: string): Promise<DeadLetter[]> {
  const page = await asOperator<{ deadLetters: DeadLetter[] }>(api, 'GET', `/dead-letters?status=open&type=${EVENT_TYPES.BANK_DEBIT_SUCCEEDED}&limit=200`);
  expect(page.status).toBe(200);
  return page.body.deadLetters.filter((deadLetter) => deadLetter.recordKey === paymentId);
}

async function ledgerTotal(): Promise<string | undefined> {
  return (await api.ledgerSummary()).totalMinorUnitsByCurrency.INR;
}

describe('every payment ends (e2e, running stack)', () => {
  it(
    'a partner bank that never answers the credit: after the status checks and the settle time the credit is deemed failed (U68), the payer is paid back, and the bank, back later, refuses the stale request',
    async () => {
      const bank = new ExamplePartner();
      const payer = await freshParty(api, 'deemed payer', 'SBXA', '500.00');
      const payee = await freshPartnerParty(api, bank, 'deemed payee', '10.00');
      const partnerPid = Number(readFileSync(join(kirimHome(), 'run', 'example-partner.pid'), 'utf8').trim());
      const [payerBefore, payeeBefore] = [await api.balanceOf(payer), await bank.balanceOf(payee)];

      // The bank goes silent: its process is frozen, so nothing it is sent is read or answered.
      process.kill(partnerPid, 'SIGSTOP');
      let paymentId: string;
      try {
        paymentId = (await api.payAccepted(payer, { payeePhone: payee.phone, amount: '120.00' })).paymentId;
        const ended = await api.waitUntilFinal(payer, paymentId, { timeoutMs: 240_000, intervalMs: 1000 });
        expect(ended).toMatchObject({ status: 'reversed', resultCode: RESULT_CODES.CREDIT_TIMEOUT });
        expect(await api.balanceOf(payer)).toBe(payerBefore);
      } finally {
        process.kill(partnerPid, 'SIGCONT');
      }

      // Back, the bank reads what it was sent while frozen: every copy is older than the freshness
      // window, so it refuses them all. A new payment to the same payee is credited; the old one never.
      const later = await api.payAccepted(payer, { payeePhone: payee.phone, amount: '1.00' });
      expect(await api.waitUntilFinal(payer, later.paymentId, { timeoutMs: 60_000 })).toMatchObject({ status: 'completed' });
      expect(await bank.balanceOf(payee)).toBe(payeeBefore + toMinor('1.00'));
      expect(await api.balanceOf(payer)).toBe(payerBefore - toMinor('1.00'));
      expect((await paymentOf(payer, paymentId)).status).toBe('reversed');
    },
    330_000,
  );

  it('a reversal the payer bank declines is retried on the profile backoff, then left to an operator with an alert; the operator retries once the cause is gone and the payment is reversed', async () => {
    const payer = await freshParty(api, 'reversal payer', 'SBXA', '300.00');
    const payee = await freshParty(api, 'reversal payee', 'SBXB', '0.00');
    const [payerBefore, totalBefore] = [await api.balanceOf(payer), await ledgerTotal()];
    const alertsBefore = await alertsRaised('payments', 'reversal-needs-operator');
    // Neither account takes money in: the credit is declined, and so is the reversal into the payer's.
    await api.freezeSandboxAccount(payee.accountRef, 'credit');
    await api.freezeSandboxAccount(payer.accountRef, 'credit');

    const { paymentId } = await api.payAccepted(payer, { payeePhone: payee.phone, amount: '75.00' });
    let exhausted: PaymentWithReversal | undefined;
    await eventually(
      async () => {
        exhausted = await paymentOf(payer, paymentId);
        expect(exhausted.status).toBe('reversal_failed');
        const listed = (await needingOperator()).find((item) => item.paymentId === paymentId);
        expect(listed?.reasons).toContain('reversal-retries-exhausted');
      },
      { timeoutMs: 90_000, intervalMs: 1000 },
    );
    // The first attempt and one retry per step of the profile's backoff, each declined by the frozen
    // account, and the T+1 due date shown.
    const retries = (JSON.parse(readFileSync(join(REPO_ROOT, 'deploy/local/scheme-profiles/upi-local.json'), 'utf8')) as { reversals: { retryAfterSeconds: number[] } }).reversals.retryAfterSeconds;
    expect(exhausted).toMatchObject({ status: 'reversal_failed', reversal: { attempts: 1 + retries.length, lastResultCode: RESULT_CODES.BENEFICIARY_ACCOUNT_FROZEN } });
    expect(Date.parse(exhausted?.reversal?.dueBy ?? '')).toBeGreaterThan(Date.now());
    expect(await alertsRaised('payments', 'reversal-needs-operator')).toBeGreaterThan(alertsBefore);
    expect(await api.balanceOf(payer)).toBe(payerBefore - toMinor('75.00'));

    // The cause goes away; the operator asks for one more attempt.
    await api.freezeSandboxAccount(payer.accountRef, 'none');
    const retried = await asOperator(api, 'POST', `/payments/${paymentId}/reversal-retries`, { note: 'payer account unfrozen by the bank' });
    expect(retried.status).toBe(200);
    expect(await api.waitUntilFinal(payer, paymentId, { timeoutMs: 60_000 })).toMatchObject({ status: 'reversed' });
    expect(await api.balanceOf(payer)).toBe(payerBefore);
    expect(await api.balanceOf(payee)).toBe(0n);
    expect(await ledgerTotal()).toBe(totalBefore);
    expect((await needingOperator()).some((item) => item.paymentId === paymentId)).toBe(false);
    await api.freezeSandboxAccount(payee.accountRef, 'none');
  }, 180_000);

  it("a poisoned leg: the debit's answer cannot be applied, so it is dead-lettered and the payment flagged; after the fix the operator replays it and the payment completes, its money moved once", async () => {
    const payer = await freshParty(api, 'poisoned payer', 'SBXA', '200.00');
    const payee = await freshParty(api, 'poisoned payee', 'SBXB', '0.00');
    const [payerBefore, totalBefore] = [await api.balanceOf(payer), await ledgerTotal()];
    // A fault in payments' database that only this payer's payments meet: no change of their state
    // can be written, so the handler of every answer fails until the fault is removed.
    const trigger = `kirim_e2e_poison_${payer.userId.replace(/-/g, '')}`;
    await databaseExecute(
      'kirim_payments',
      `CREATE FUNCTION ${trigger}() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN
           IF NEW.payer_user_id = '${payer.userId}' AND NEW.status IS DISTINCT FROM OLD.status THEN
             RAISE EXCEPTION 'e2e fault: payment % cannot change state', NEW.id;
           END IF;
           RETURN NEW;
         END $$;
       CREATE TRIGGER ${trigger} BEFORE UPDATE ON payments FOR EACH ROW EXECUTE FUNCTION ${trigger}();`,
    );
    let fixed = false;
    const fix = (): Promise<void> => databaseExecute('kirim_payments', `DROP TRIGGER IF EXISTS ${trigger} ON payments; DROP FUNCTION IF EXISTS ${trigger}();`);
    try {
      const { paymentId } = await api.payAccepted(payer, { payeePhone: payee.phone, amount: '60.00' });
      let deadLetters: DeadLetter[] = [];
      await eventually(
        async () => {
          deadLetters = await openDeadLettersOf(paymentId);
          expect(deadLetters.length).toBeGreaterThan(0);
          const flagged = (await needingOperator()).find((item) => item.paymentId === paymentId);
          expect(flagged?.flags.map((flag) => flag.deadLetterId)).toEqual(expect.arrayContaining([deadLetters[0].deadLetterId]));
        },
        { timeoutMs: 60_000, intervalMs: 500 },
      );
      expect(deadLetters[0]).toMatchObject({ ceType: EVENT_TYPES.BANK_DEBIT_SUCCEEDED, replayable: true, reason: expect.stringContaining('e2e fault') });
      // Debited at the bank, stuck at kirim.
      expect((await paymentOf(payer, paymentId)).status).toBe('debit_pending');
      expect(await api.balanceOf(payer)).toBe(payerBefore - toMinor('60.00'));

      // Replaying before the fix fails again and changes nothing.
      const tooSoon = await asOperator(api, 'POST', `/dead-letters/${deadLetters[0].deadLetterId}/replay`);
      expect(tooSoon.status).toBe(422);
      expect(tooSoon.body).toMatchObject({ code: 'replay-failed', detail: expect.stringContaining('e2e fault') });

      await fix();
      fixed = true;
      // The operator replays what was set aside: the first answer, and any status-check answer the
      // handler was still failing on when the fault went (until none is left open).
      await eventually(
        async () => {
          for (const deadLetter of await openDeadLettersOf(paymentId)) {
            const replayed = await asOperator<{ outcome: string }>(api, 'POST', `/dead-letters/${deadLetter.deadLetterId}/replay`);
            expect({ deadLetter: deadLetter.deadLetterId, status: replayed.status, outcome: replayed.body.outcome }).toEqual({ deadLetter: deadLetter.deadLetterId, status: 200, outcome: 'replayed' });
          }
          expect(await openDeadLettersOf(paymentId)).toEqual([]);
        },
        { timeoutMs: 30_000, intervalMs: 1000 },
      );
      expect(await api.waitUntilFinal(payer, paymentId, { timeoutMs: 60_000 })).toMatchObject({ status: 'completed', resultCode: RESULT_CODES.SUCCESS });
      expect(await api.balanceOf(payer)).toBe(payerBefore - toMinor('60.00'));
      expect(await api.balanceOf(payee)).toBe(toMinor('60.00'));
      expect(await ledgerTotal()).toBe(totalBefore);
      await eventually(async () => expect((await needingOperator()).some((item) => item.paymentId === paymentId)).toBe(false), { timeoutMs: 30_000 });
    } finally {
      if (!fixed) await fix();
    }
  }, 180_000);
});
