import { EVENT_TYPES, PROBLEM_CODES, RESULT_CODES } from '@kirim/contracts';
import { collectHarness } from '../../testing/collect-fakes';
import { SAMPLE_CUSTOMER_ID, SAMPLE_OWNER_ID, sampleMerchant } from '../../testing/merchant-fakes';
import { CreateCollectRequestCommand } from './create-collect-request.use-case';

const CUSTOMER_PHONE = '+919812345678';

describe('CreateCollectRequestUseCase', () => {
  function setup(options: Parameters<typeof collectHarness>[0] = {}) {
    const harness = collectHarness(options);
    const create = (changes: Partial<CreateCollectRequestCommand> = {}) =>
      harness.create.execute({
        requester: { kind: 'merchant', merchant: harness.merchant },
        reference: 'COL-1',
        customer: { phone: CUSTOMER_PHONE },
        amount: { value: '120.00', currency: 'INR' },
        note: 'table 4',
        expiresInMinutes: null,
        ...changes,
      });
    return { ...harness, create };
  }

  it("asks the customer identity resolves, for 30 min by default, looking them up as the merchant's owner and keeping no phone number", async () => {
    const { create, parties, requests, clock, merchant } = setup();
    const outcome = await create();
    if (!outcome.ok) throw new Error(outcome.detail);
    expect(outcome.created).toBe(true);
    expect(outcome.request).toMatchObject({ merchantId: merchant.id, reference: 'COL-1', payerUserId: SAMPLE_CUSTOMER_ID, status: 'pending', note: 'table 4', orderId: null, paymentId: null });
    expect(outcome.request.amount.minorUnits).toBe(12_000n);
    expect(outcome.request.expiresAt.getTime() - clock.now().getTime()).toBe(30 * 60_000);
    // The owner's anti-scan bucket pays for the look-up, not the customer's.
    expect(parties.calls).toEqual([{ payerUserId: SAMPLE_OWNER_ID, payeePhone: CUSTOMER_PHONE }]);
    expect(JSON.stringify([...requests.rows.values()], (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value))).not.toContain(CUSTOMER_PHONE.slice(3));
  });

  it('answers the same reference and body with the same request, and refuses the reference with another amount or customer', async () => {
    const { create, requests, parties } = setup();
    const first = await create();
    const again = await create({ amount: { value: '120', currency: 'INR' } });
    expect(again).toMatchObject({ ok: true, created: false });
    expect(first.ok && again.ok && again.request.id).toBe(first.ok && first.request.id);
    expect(await create({ amount: { value: '121.00', currency: 'INR' } })).toMatchObject({ ok: false, status: 409, code: PROBLEM_CODES.COLLECT_REQUEST_REFERENCE_REUSED });
    expect(await create({ expiresInMinutes: 30 })).toMatchObject({ ok: false, status: 409, code: PROBLEM_CODES.COLLECT_REQUEST_REFERENCE_REUSED });
    // Another customer behind the same reference.
    parties.resolve = async () => ({
      ok: true,
      parties: {
        payer: { userId: SAMPLE_OWNER_ID, bankCode: 'SBXB', accountRef: 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb' },
        payee: { userId: 'd1d1d1d1-d1d1-4d1d-8d1d-d1d1d1d1d1d1', bankCode: 'SBXA', accountRef: 'dddddddd-dddd-4ddd-8ddd-dddddddddddd', displayName: 'Other' },
      },
    });
    expect(await create({ customer: { address: 'other@kirim' } })).toMatchObject({ ok: false, status: 409, code: PROBLEM_CODES.COLLECT_REQUEST_REFERENCE_REUSED });
    expect(requests.rows.size).toBe(1);
  });

  it('announces a new request in the transaction that stores it, once: a repeat or a refusal announces nothing', async () => {
    const { create, unitOfWork, merchant, clock } = setup();
    const first = await create();
    if (!first.ok) throw new Error(first.detail);
    expect(await create()).toMatchObject({ ok: true, created: false });
    expect(await create({ amount: { value: '121.00', currency: 'INR' } })).toMatchObject({ ok: false, code: PROBLEM_CODES.COLLECT_REQUEST_REFERENCE_REUSED });
    expect(unitOfWork.published).toEqual([
      {
        type: EVENT_TYPES.COLLECT_REQUEST_CREATED,
        key: first.request.id,
        data: expect.objectContaining({
          collectRequestId: first.request.id,
          payerUserId: SAMPLE_CUSTOMER_ID,
          merchantId: merchant.id,
          reference: 'COL-1',
          amount: { value: '120.00', currency: 'INR' },
          note: 'table 4',
          status: 'pending',
          expiresAt: first.request.expiresAt.toISOString(),
          occurredAt: clock.now().toISOString(),
        }),
      },
    ]);
    // A merchant's request names no requesting person, and a pending one has no result yet.
    expect(unitOfWork.published[0].data).toMatchObject({ requesterUserId: undefined, resultCode: undefined });
  });

  it("holds the expiry to the profile's bounds (1 min to 24 h on UPI)", async () => {
    const { create, clock } = setup();
    expect(await create({ expiresInMinutes: 1441 })).toMatchObject({ ok: false, status: 400, code: PROBLEM_CODES.VALIDATION_FAILED, detail: 'expiresInMinutes must be between 1 and 1440.' });
    const short = await create({ expiresInMinutes: 1 });
    expect(short.ok && short.request.expiresAt.getTime() - clock.now().getTime()).toBe(60_000);
  });

  it("refuses an amount above the merchant category's cap, a zero amount or an unlisted category before asking identity", async () => {
    const { create, parties, requests } = setup();
    expect(await create({ amount: { value: '100000.01', currency: 'INR' } })).toMatchObject({ ok: false, status: 422, code: PROBLEM_CODES.AMOUNT_OUT_OF_RANGE, resultCode: RESULT_CODES.PER_TRANSACTION_LIMIT });
    expect(await create({ amount: { value: '0.00', currency: 'INR' } })).toMatchObject({ ok: false, status: 422, code: PROBLEM_CODES.AMOUNT_OUT_OF_RANGE });
    // A category the profile no longer lists.
    expect(await create({ requester: { kind: 'merchant', merchant: sampleMerchant({ categoryCode: '7995' }) } })).toMatchObject({ ok: false, status: 409, code: PROBLEM_CODES.MERCHANT_UNAVAILABLE });
    expect(parties.calls).toEqual([]);
    expect(requests.rows.size).toBe(0);
  });

  it("passes on identity's refusals in the merchant's words: unknown customer (ZH), no linked account, the owner, rate limits, an outage", async () => {
    const { create, parties, requests } = setup();
    parties.answer = { ok: false, failure: { kind: 'refused', status: 404, code: PROBLEM_CODES.PAYEE_NOT_FOUND, detail: 'No user', resultCode: RESULT_CODES.INVALID_ADDRESS } };
    expect(await create()).toMatchObject({ ok: false, status: 404, code: PROBLEM_CODES.PAYEE_NOT_FOUND, resultCode: 'ZH', detail: 'No kirim user has this phone number or payment address.' });
    parties.answer = { ok: false, failure: { kind: 'refused', status: 422, code: PROBLEM_CODES.PAYEE_NOT_FOUND, detail: 'payee', resultCode: RESULT_CODES.BENEFICIARY_ACCOUNT_MISSING } };
    expect(await create()).toMatchObject({ ok: false, status: 422, detail: 'The customer has not linked a bank account, so cannot pay a collect request.' });
    parties.answer = { ok: false, failure: { kind: 'refused', status: 422, code: PROBLEM_CODES.PAYER_ACCOUNT_MISSING, detail: 'payer' } };
    expect(await create()).toMatchObject({ ok: false, status: 409, code: PROBLEM_CODES.MERCHANT_UNAVAILABLE });
    parties.answer = { ok: false, failure: { kind: 'refused', status: 422, code: PROBLEM_CODES.SELF_PAYMENT, detail: 'same' } };
    expect(await create()).toMatchObject({ ok: false, status: 422, code: PROBLEM_CODES.SELF_PAYMENT });
    parties.answer = { ok: false, failure: { kind: 'refused', status: 429, code: PROBLEM_CODES.RATE_LIMITED, detail: 'slow down', retryAfterSeconds: 30 } };
    expect(await create()).toMatchObject({ ok: false, status: 429, code: PROBLEM_CODES.RATE_LIMITED, retryAfterSeconds: 30 });
    parties.answer = { ok: false, failure: { kind: 'unavailable', reason: 'timeout' } };
    expect(await create()).toMatchObject({ ok: false, status: 503, code: PROBLEM_CODES.DEPENDENCY_UNAVAILABLE });
    expect(requests.rows.size).toBe(0);
  });

  it('refuses a user asking another user to pay while the profile keeps P2P collect off, looking nobody up', async () => {
    const { create, parties, requests } = setup();
    const outcome = await create({ requester: { kind: 'user', userId: SAMPLE_CUSTOMER_ID } });
    expect(outcome).toMatchObject({ ok: false, status: 403, code: PROBLEM_CODES.P2P_COLLECT_DISABLED });
    expect(!outcome.ok && outcome.detail).toContain('only a merchant may ask a customer to pay');
    expect(parties.calls).toEqual([]);
    expect(requests.rows.size).toBe(0);
  });
});
