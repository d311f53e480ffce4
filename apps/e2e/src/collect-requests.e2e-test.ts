import { randomUUID } from 'node:crypto';
import { freshHandle } from './support/merchants';
import { PROBLEM_CODES } from '@kirim/contracts';
import { eventually } from '@kirim/testing';
import { Api, expectStatus, HttpResult, Party, PaymentAccepted, Problem, toMinor } from './support/api';
import { databaseRows } from './support/database-rows';
import { freshParty, PROBLEM_CONTENT_TYPE } from './support/parties';

/*
 * Collect requests (issue 7, docs/merchants.md "Collect requests"), as a merchant's systems and the
 * chat platform use them through the edge: a merchant onboarded through the merchant API asks a
 * customer to pay; one request is approved with the UPI PIN (the money moves, read from the sandbox
 * ledger), one declined (nothing moves), one left to expire (U69: approving it is refused, nothing
 * moves); another user can neither approve nor decline; a user asking another user is refused while
 * P2P collect is off.
 */

interface CollectView {
  readonly collectRequestId: string;
  readonly reference: string;
  readonly status: string;
  readonly resultCode?: string;
  readonly amount: { value: string; currency: string };
  readonly expiresAt: string;
  readonly decidedAt?: string;
  readonly orderId?: string;
  readonly payment?: { paymentId: string; status: string };
}

interface PendingPage {
  readonly items: Array<{ collectRequestId: string; status: string; amount: { value: string }; merchant: { merchantId: string; displayName: string; address: string } }>;
  readonly nextCursor?: string;
}

describe('collect requests: approved with the PIN, declined, expired; P2P refused (e2e, running stack)', () => {
  const api = new Api();
  let owner: Party;
  let customer: Party;
  let stranger: Party;
  let merchantId: string;
  let apiKey: string;
  /** Made first with the shortest expiry the profile allows (1 min), so it runs out while the other tests run. */
  let expiring: CollectView;

  const asMerchant = (): { headers: Record<string, string> } => ({ headers: { authorization: `Bearer ${apiKey}` } });

  async function ask(reference: string, amount: string, changes: Record<string, unknown> = {}): Promise<HttpResult<CollectView | Problem>> {
    return api.request<CollectView | Problem>('POST', '/v1/collect-requests', {
      ...asMerchant(),
      body: { reference, customer: { phone: customer.phone }, amount: { value: amount, currency: 'INR' }, note: 'e2e collect', ...changes },
    });
  }

  async function collectRequest(id: string): Promise<CollectView> {
    return expectStatus<CollectView>(await api.request('GET', `/v1/collect-requests/${id}`, asMerchant()), 200).body;
  }

  async function pendingOf(party: Party): Promise<PendingPage> {
    return expectStatus<PendingPage>(await api.request('GET', '/v1/collect-requests/pending', { token: party.accessToken }), 200).body;
  }

  async function approve(party: Party, id: string, amount: string, idempotencyKey = randomUUID()): Promise<HttpResult<PaymentAccepted | Problem>> {
    return api.request<PaymentAccepted | Problem>('POST', `/v1/collect-requests/${id}/approve`, {
      token: party.accessToken,
      headers: { 'idempotency-key': idempotencyKey },
      body: { encryptedPin: await api.pinKeys.pay(party.bankCode, party.pin as string, amount) },
    });
  }

  async function decline(party: Party, id: string): Promise<HttpResult<{ status: string } | Problem>> {
    return api.request<{ status: string } | Problem>('POST', `/v1/collect-requests/${id}/decline`, { token: party.accessToken });
  }

  const balances = async (): Promise<bigint[]> => [await api.balanceOf(customer), await api.balanceOf(owner)];
  const problemOf = (result: HttpResult): [number, string | undefined] => [result.status, (result.body as Problem).code];

  beforeAll(async () => {
    owner = await freshParty(api, 'collecting merchant owner', 'SBXB', '50.00');
    customer = await freshParty(api, 'collect customer', 'SBXA', '2000.00');
    stranger = await freshParty(api, 'collect stranger', 'SBXA', '500.00');
    const addresses = expectStatus<Array<{ address: string; isPrimary: boolean }>>(await api.request('GET', '/v1/me/payment-addresses', { token: owner.accessToken }), 200).body;
    const settlementAddress = addresses.find((address) => address.isPrimary)?.address;
    if (!settlementAddress) throw new Error('the owner has no primary payment address');
    const merchant = await api.request<{ merchantId: string }>('POST', '/v1/merchants', {
      token: owner.accessToken,
      body: { displayName: 'E2E Collect Cafe', categoryCode: '5812', handle: freshHandle('collect'), settlementAddress },
    });
    merchantId = expectStatus<{ merchantId: string }>(merchant, 201).body.merchantId;
    apiKey = expectStatus<{ apiKey: string }>(await api.request('POST', `/v1/merchants/${merchantId}/api-keys`, { token: owner.accessToken }), 201).body.apiKey;
    expiring = expectStatus<CollectView>(await ask(`EXP-${randomUUID()}`, '40.00', { expiresInMinutes: 1 }), 201).body;
  });

  it('is approved by the customer with the UPI PIN: the merchant is paid, through the edge and the banks; nobody else can answer it', async () => {
    const before = await balances();
    const made = expectStatus<CollectView>(await ask(`COL-${randomUUID()}`, '250.00'), 201).body;
    expect(made).toMatchObject({ status: 'pending', amount: { value: '250.00', currency: 'INR' } });
    // The merchant's answer names no phone number: the request keeps only the user it resolved to.
    expect(JSON.stringify(made)).not.toContain(customer.phone.slice(3));

    // The customer sees it in the chat, with the merchant asking.
    const listed = (await pendingOf(customer)).items.find((item) => item.collectRequestId === made.collectRequestId);
    expect(listed).toMatchObject({ status: 'pending', amount: { value: '250.00' }, merchant: { merchantId, displayName: 'E2E Collect Cafe' } });
    expect((await pendingOf(stranger)).items.some((item) => item.collectRequestId === made.collectRequestId)).toBe(false);

    // Another user can neither approve nor decline it, and nothing changes.
    expect(problemOf(await approve(stranger, made.collectRequestId, '250.00'))).toEqual([404, PROBLEM_CODES.NOT_FOUND]);
    expect(problemOf(await decline(stranger, made.collectRequestId))).toEqual([404, PROBLEM_CODES.NOT_FOUND]);
    expect(await collectRequest(made.collectRequestId)).toMatchObject({ status: 'pending' });
    expect(await balances()).toEqual(before);

    const key = randomUUID();
    const accepted = expectStatus<PaymentAccepted>(await approve(customer, made.collectRequestId, '250.00', key), 202).body;
    expect(accepted.payee.displayName).toBe('E2E Collect Cafe');
    expect(await api.waitUntilFinal(customer, accepted.paymentId)).toMatchObject({ status: 'completed', payerUserId: customer.userId, payeeUserId: owner.userId });
    expect(await balances()).toEqual([before[0] - toMinor('250.00'), before[1] + toMinor('250.00')]);

    const approved = await collectRequest(made.collectRequestId);
    expect(approved).toMatchObject({ status: 'approved', payment: { paymentId: accepted.paymentId, status: 'completed' } });
    // Its payment is the order it was made through: the merchant reads (and could refund) it there.
    expect(expectStatus<{ status: string }>(await api.request('GET', `/v1/merchant-orders/${approved.orderId}`, asMerchant()), 200).body.status).toBe('paid');

    // A retry with the same key is the same payment; a second approval or a decline is refused, nothing moves.
    const replay = expectStatus<PaymentAccepted>(await approve(customer, made.collectRequestId, '250.00', key), 200).body;
    expect(replay.paymentId).toBe(accepted.paymentId);
    expect(problemOf(await approve(customer, made.collectRequestId, '250.00'))).toEqual([409, PROBLEM_CODES.COLLECT_REQUEST_NOT_PENDING]);
    expect(problemOf(await decline(customer, made.collectRequestId))).toEqual([409, PROBLEM_CODES.COLLECT_REQUEST_NOT_PENDING]);
    expect((await pendingOf(customer)).items.some((item) => item.collectRequestId === made.collectRequestId)).toBe(false);
    expect(await balances()).toEqual([before[0] - toMinor('250.00'), before[1] + toMinor('250.00')]);
  });

  it('is declined by the customer: nothing moves, and it can no longer be approved', async () => {
    const before = await balances();
    const made = expectStatus<CollectView>(await ask(`COL-${randomUUID()}`, '75.00'), 201).body;
    const declined = await decline(customer, made.collectRequestId);
    expect([declined.status, (declined.body as { status: string }).status]).toEqual([200, 'declined']);
    // Declining again answers the same.
    expect(expectStatus<{ status: string }>(await decline(customer, made.collectRequestId), 200).body.status).toBe('declined');
    const refused = await approve(customer, made.collectRequestId, '75.00');
    expect(problemOf(refused)).toEqual([409, PROBLEM_CODES.COLLECT_REQUEST_NOT_PENDING]);
    expect(refused.contentType).toMatch(PROBLEM_CONTENT_TYPE);
    const seen = await collectRequest(made.collectRequestId);
    expect(seen).toMatchObject({ status: 'declined' });
    expect(seen.payment).toBeUndefined();
    expect((await pendingOf(customer)).items.some((item) => item.collectRequestId === made.collectRequestId)).toBe(false);
    expect(await balances()).toEqual(before);
  });

  it('is made idempotently by its reference, refused for the reference with another body, and refused for an unknown customer', async () => {
    const reference = `COL-${randomUUID()}`;
    const first = expectStatus<CollectView>(await ask(reference, '12.00'), 201).body;
    const again = expectStatus<CollectView>(await ask(reference, '12'), 200).body;
    expect(again.collectRequestId).toBe(first.collectRequestId);
    expect(problemOf(await ask(reference, '13.00'))).toEqual([409, PROBLEM_CODES.COLLECT_REQUEST_REFERENCE_REUSED]);
    const unknown = await api.request<Problem>('POST', '/v1/collect-requests', {
      ...asMerchant(),
      body: { reference: `COL-${randomUUID()}`, customer: { address: `${freshHandle('nobody')}@kirim` }, amount: { value: '1.00', currency: 'INR' } },
    });
    expect([unknown.status, unknown.body.code, unknown.body.resultCode]).toEqual([404, PROBLEM_CODES.PAYEE_NOT_FOUND, 'ZH']);
    // Another merchant's key, or none, finds nothing of it.
    expect((await api.request('GET', `/v1/collect-requests/${first.collectRequestId}`, { headers: { authorization: `Bearer kmk_${'A'.repeat(43)}` } })).status).toBe(401);
  });

  it('refuses a user asking another user to pay while P2P collect is off (NPCI stopped it on UPI), creating nothing', async () => {
    const pendingBefore = await pendingOf(stranger);
    const refused = await api.request<Problem>('POST', '/v1/collect-requests', {
      token: customer.accessToken,
      body: { reference: `P2P-${randomUUID()}`, customer: { phone: stranger.phone }, amount: { value: '10.00', currency: 'INR' } },
    });
    expect(problemOf(refused)).toEqual([403, PROBLEM_CODES.P2P_COLLECT_DISABLED]);
    expect(refused.contentType).toMatch(PROBLEM_CONTENT_TYPE);
    expect(await pendingOf(stranger)).toEqual(pendingBefore);
  });

  it('expires unanswered (U69), written by the expiry timer; approving or declining it is refused and nothing moves', async () => {
    const before = await balances();
    // The timer writes it expired in the database, whether or not anyone asks.
    await eventually(
      async () => {
        const [row] = await databaseRows('kirim_payments', `SELECT status, result_code FROM collect_requests WHERE id = '${expiring.collectRequestId}'`);
        expect(row).toEqual({ status: 'expired', result_code: 'U69' });
      },
      { timeoutMs: 120_000, intervalMs: 1_000 },
    );
    expect(await collectRequest(expiring.collectRequestId)).toMatchObject({ status: 'expired', resultCode: 'U69', decidedAt: expiring.expiresAt });
    const refused = await approve(customer, expiring.collectRequestId, '40.00');
    expect([...problemOf(refused), (refused.body as Problem).resultCode]).toEqual([422, PROBLEM_CODES.COLLECT_REQUEST_EXPIRED, 'U69']);
    expect(problemOf(await decline(customer, expiring.collectRequestId))).toEqual([422, PROBLEM_CODES.COLLECT_REQUEST_EXPIRED]);
    expect((await pendingOf(customer)).items.some((item) => item.collectRequestId === expiring.collectRequestId)).toBe(false);
    expect(await balances()).toEqual(before);
  }, 150_000);
});
