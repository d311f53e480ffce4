import { randomUUID } from 'node:crypto';
import { PROBLEM_CODES, RESULT_CODES } from '@kirim/contracts';
import { eventually } from '@kirim/testing';
import { Api, HttpResult, Party, PaymentAccepted, Problem, toMinor } from './support/api';
import { freshParty, notificationsFor, PROBLEM_CONTENT_TYPE } from './support/parties';

/**
 * A payment end to end through the edge: identity (register, discover, link), payments (accept,
 * saga), bank-connector (debit, credit, ledger) and notifications, over Kafka, as a client sees it.
 */
describe('paying a contact (e2e, running stack)', () => {
  const api = new Api();
  let asha: Party;
  let bala: Party;

  beforeEach(async () => {
    asha = await freshParty(api, 'payer', 'SBXA', '10000.00');
    bala = await freshParty(api, 'payee', 'SBXB', '100.00');
  });

  async function ledgerTotal(): Promise<string | undefined> {
    return (await api.ledgerSummary()).totalMinorUnitsByCurrency.INR;
  }

  it('moves exactly the amount from payer to payee, with an RRN, a balanced ledger and a receipt each', async () => {
    const [ashaBefore, balaBefore] = [await api.balanceOf(asha), await api.balanceOf(bala)];
    expect(ashaBefore).toBe(toMinor('10000.00'));
    expect(balaBefore).toBe(toMinor('100.00'));

    const accepted = await api.payAccepted(asha, { payeePhone: bala.phone, amount: '500.00', note: 'e2e lunch' });
    expect(accepted).toMatchObject({ paymentId: expect.any(String), txnId: expect.any(String), amount: { value: '500.00', currency: 'INR' } });
    expect(accepted.payee.userId).toBe(bala.userId);

    const payment = await api.waitUntilFinal(asha, accepted.paymentId);
    expect(payment).toMatchObject({ paymentId: accepted.paymentId, txnId: accepted.txnId, status: 'completed', payerUserId: asha.userId, payeeUserId: bala.userId });
    expect(payment.rrn).toMatch(/^\d{12}$/);
    // The payee sees the same payment.
    expect((await api.getPayment(bala, accepted.paymentId)).status).toBe('completed');

    expect(await api.balanceOf(asha)).toBe(ashaBefore - toMinor('500.00'));
    expect(await api.balanceOf(bala)).toBe(balaBefore + toMinor('500.00'));
    expect(await ledgerTotal()).toBe('0');

    await eventually(async () => {
      expect((await notificationsFor(api, asha, accepted.paymentId)).map((n) => n.kind)).toEqual(['payment.sent']);
      expect((await notificationsFor(api, bala, accepted.paymentId)).map((n) => n.kind)).toEqual(['payment.received']);
    });
  });

  it('declines a payment the payer cannot afford with Z9, moves no money and tells the payer', async () => {
    const [ashaBefore, balaBefore] = [await api.balanceOf(asha), await api.balanceOf(bala)];

    const accepted = await api.payAccepted(bala, { payeePhone: asha.phone, amount: '1000.00' });
    const payment = await api.waitUntilFinal(bala, accepted.paymentId);
    expect(payment).toMatchObject({ status: 'debit_failed', resultCode: RESULT_CODES.INSUFFICIENT_FUNDS });

    expect(await api.balanceOf(asha)).toBe(ashaBefore);
    expect(await api.balanceOf(bala)).toBe(balaBefore);
    expect(await ledgerTotal()).toBe('0');
    await eventually(async () => {
      expect((await notificationsFor(api, bala, accepted.paymentId)).map((n) => n.kind)).toEqual(['payment.failed']);
    });
  });

  it('answers a retry with the same key and body with the same payment, and moves the money once', async () => {
    const [ashaBefore, balaBefore] = [await api.balanceOf(asha), await api.balanceOf(bala)];
    const idempotencyKey = `e2e-${randomUUID()}`;
    const request = { payeePhone: bala.phone, amount: '500.00', idempotencyKey };

    const first = await api.pay(asha, request);
    expect(first.status).toBe(202);
    const paymentId = (first.body as PaymentAccepted).paymentId;

    const retry = await api.pay(asha, request);
    expect([200, 202]).toContain(retry.status);
    expect((retry.body as PaymentAccepted).paymentId).toBe(paymentId);

    expect((await api.waitUntilFinal(asha, paymentId)).status).toBe('completed');
    // A retry after completion still answers with the same payment and starts nothing new.
    const late = await api.pay(asha, request);
    expect([200, 202]).toContain(late.status);
    expect((late.body as PaymentAccepted).paymentId).toBe(paymentId);

    const reused = await api.pay(asha, { ...request, amount: '600.00' });
    expectProblem(reused, 422, PROBLEM_CODES.IDEMPOTENCY_KEY_REUSED);

    // A marker payment behind them: once it is done, anything the retries could have started would be too.
    const marker = await api.payAccepted(asha, { payeePhone: bala.phone, amount: '1.00' });
    expect((await api.waitUntilFinal(asha, marker.paymentId)).status).toBe('completed');

    expect(await api.balanceOf(asha)).toBe(ashaBefore - toMinor('501.00'));
    expect(await api.balanceOf(bala)).toBe(balaBefore + toMinor('501.00'));
    await eventually(async () => {
      expect((await notificationsFor(api, bala, marker.paymentId)).map((n) => n.kind)).toEqual(['payment.received']);
    });
    const payeeReceipts = (await api.notifications(bala)).map((n) => n.paymentId).sort();
    expect(payeeReceipts).toEqual([paymentId, marker.paymentId].sort());

    // Marked read once: reading it again keeps the first time; the rest of the inbox stays unread.
    const [receipt] = await notificationsFor(api, bala, marker.paymentId);
    const read = await api.markNotificationRead(bala, receipt.notificationId);
    expect(read.readAt).not.toBeNull();
    expect((await api.markNotificationRead(bala, receipt.notificationId)).readAt).toBe(read.readAt);
    const inbox = await api.notifications(bala);
    expect(inbox.filter((n) => n.readAt !== null).map((n) => n.notificationId)).toEqual([receipt.notificationId]);
  });

  it('refuses malformed payment requests with a stable problem code and records nothing', async () => {
    const ashaBefore = await api.balanceOf(asha);
    const balaBefore = await api.balanceOf(bala);
    const payee = { phone: bala.phone };
    const send = async (body: { payee: unknown; amount: { value: unknown; currency: string } }, options: { key?: string | null; token?: string | null } = {}): Promise<HttpResult<Problem>> => {
      const headers: Record<string, string> = {};
      if (options.key !== null) headers['idempotency-key'] = options.key ?? randomUUID();
      // A well-formed PIN block, so that each request is refused for what it probes, not for the PIN.
      const encryptedPin = await api.pinKeys.pay(asha.bankCode, asha.pin ?? '', String(body.amount.value));
      return api.request<Problem>('POST', '/v1/payments', {
        token: options.token === null ? undefined : (options.token ?? asha.accessToken),
        headers,
        body: { ...body, encryptedPin },
      });
    };

    // Each refused request uses a key that is then used again, validly: had the refusal recorded
    // anything under the key, the valid request would be answered 422 idempotency-key-reused.
    const keys = [randomUUID(), randomUUID(), randomUUID()];
    expectProblem(await send({ payee, amount: { value: '5.001', currency: 'INR' } }, { key: keys[0] }), 400, PROBLEM_CODES.VALIDATION_FAILED);
    expectProblem(await send({ payee, amount: { value: '-1', currency: 'INR' } }, { key: keys[1] }), 400, PROBLEM_CODES.VALIDATION_FAILED);
    expectProblem(await send({ payee, amount: { value: 5, currency: 'INR' } }, { key: keys[2] }), 400, PROBLEM_CODES.VALIDATION_FAILED);
    expectProblem(await send({ payee, amount: { value: '5.00', currency: 'INR' } }, { key: null }), 400, PROBLEM_CODES.IDEMPOTENCY_KEY_MISSING);
    expectProblem(await send({ payee, amount: { value: '5.00', currency: 'INR' } }, { token: null }), 401, PROBLEM_CODES.UNAUTHENTICATED);
    expectProblem(await send({ payee, amount: { value: '5.00', currency: 'INR' } }, { token: 'not-a-jwt' }), 401, PROBLEM_CODES.UNAUTHENTICATED);

    expect(await api.balanceOf(asha)).toBe(ashaBefore);
    expect(await api.balanceOf(bala)).toBe(balaBefore);

    const valid: string[] = [];
    for (const key of keys) {
      const result = await send({ payee, amount: { value: '2.00', currency: 'INR' } }, { key });
      expect(result.status).toBe(202);
      valid.push((result.body as unknown as PaymentAccepted).paymentId);
    }
    for (const paymentId of valid) expect((await api.waitUntilFinal(asha, paymentId)).status).toBe('completed');
    expect(await api.balanceOf(asha)).toBe(ashaBefore - toMinor('6.00'));
    await eventually(async () => {
      const sent = (await api.notifications(asha)).map((n) => n.paymentId).sort();
      expect(sent).toEqual([...valid].sort());
    });
  });
});

function expectProblem(result: HttpResult, status: number, code: string): void {
  const summary = { status: result.status, contentType: result.contentType, body: result.body };
  expect(summary).toMatchObject({ status, contentType: expect.stringMatching(PROBLEM_CONTENT_TYPE), body: { code } });
}
