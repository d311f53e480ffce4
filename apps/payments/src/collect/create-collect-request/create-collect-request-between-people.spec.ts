import { EVENT_TYPES, PROBLEM_CODES, RESULT_CODES } from '@kirim/contracts';
import { collectHarness, p2pCollectProfile, SAMPLE_PAY_TO_ADDRESS, SAMPLE_REQUESTER_ID } from '../../testing/collect-fakes';
import { SAMPLE_CUSTOMER_ID } from '../../testing/merchant-fakes';
import { UPI_PROFILE } from '../../testing/payment-fakes';
import { SchemeProfile } from '../../limits/scheme-profile';
import { CreateCollectRequestCommand } from './create-collect-request.use-case';

const CUSTOMER_PHONE = '+919812345678';

describe('CreateCollectRequestUseCase between people (P2P collect, behind the scheme profile switch)', () => {
  function setup(profile: SchemeProfile = p2pCollectProfile()) {
    const harness = collectHarness({ profile });
    const ask = (changes: Partial<CreateCollectRequestCommand> = {}) =>
      harness.create.execute({
        requester: { kind: 'user', userId: SAMPLE_REQUESTER_ID },
        reference: 'rent-dec',
        customer: { phone: CUSTOMER_PHONE },
        payTo: { address: SAMPLE_PAY_TO_ADDRESS },
        amount: { value: '1500.00', currency: 'INR' },
        note: 'December rent share',
        expiresInMinutes: null,
        ...changes,
      });
    return { ...harness, ask };
  }

  it("asks the customer for the requester, to be paid into the requester's own address, keeping user ids and that custom address only", async () => {
    const { ask, parties, requests, clock } = setup();
    const outcome = await ask();
    if (!outcome.ok) throw new Error(outcome.detail);
    expect(outcome.created).toBe(true);
    expect(outcome.request).toMatchObject({
      merchantId: null,
      requesterUserId: SAMPLE_REQUESTER_ID,
      payToAddress: SAMPLE_PAY_TO_ADDRESS,
      payerUserId: SAMPLE_CUSTOMER_ID,
      reference: 'rent-dec',
      note: 'December rent share',
      status: 'pending',
      orderId: null,
      paymentId: null,
    });
    expect(outcome.request.amount.minorUnits).toBe(150_000n);
    // The profile's P2P default expiry (30 min on the UPI numbers).
    expect(outcome.request.expiresAt.getTime() - clock.now().getTime()).toBe(30 * 60_000);
    // Both look-ups are the requester's own: is payTo theirs, then who the customer is.
    expect(parties.calls).toEqual([
      { payerUserId: SAMPLE_REQUESTER_ID, payeeAddress: SAMPLE_PAY_TO_ADDRESS },
      { payerUserId: SAMPLE_REQUESTER_ID, payeePhone: CUSTOMER_PHONE },
    ]);
    expect(JSON.stringify([...requests.rows.values()], (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value))).not.toContain(CUSTOMER_PHONE.slice(3));
  });

  it('announces the request with the requesting person instead of a merchant, and no pay-to address', async () => {
    const { ask, unitOfWork } = setup();
    const outcome = await ask();
    if (!outcome.ok) throw new Error(outcome.detail);
    expect(unitOfWork.published).toHaveLength(1);
    const [announced] = unitOfWork.published;
    expect(announced).toMatchObject({ type: EVENT_TYPES.COLLECT_REQUEST_CREATED, key: outcome.request.id });
    expect(announced.data).toEqual({
      collectRequestId: outcome.request.id,
      payerUserId: SAMPLE_CUSTOMER_ID,
      requesterUserId: SAMPLE_REQUESTER_ID,
      reference: 'rent-dec',
      amount: { value: '1500.00', currency: 'INR' },
      note: 'December rent share',
      status: 'pending',
      expiresAt: outcome.request.expiresAt.toISOString(),
      occurredAt: outcome.request.createdAt.toISOString(),
    });
  });

  it('answers a repeat with the same request and refuses the reference with another body; a reference is per requester', async () => {
    const { ask, create, merchant, requests } = setup();
    const first = await ask();
    // The same address in another case is the same request.
    const again = await ask({ payTo: { address: 'Ravi.K@kirim' }, amount: { value: '1500', currency: 'INR' } });
    expect(again).toMatchObject({ ok: true, created: false });
    expect(first.ok && again.ok && again.request.id).toBe(first.ok && first.request.id);
    expect(await ask({ amount: { value: '1499.00', currency: 'INR' } })).toMatchObject({ ok: false, status: 409, code: PROBLEM_CODES.COLLECT_REQUEST_REFERENCE_REUSED });
    expect(await ask({ expiresInMinutes: 30 })).toMatchObject({ ok: false, status: 409, code: PROBLEM_CODES.COLLECT_REQUEST_REFERENCE_REUSED });
    // A merchant's reference of the same text is the merchant's own.
    const merchants = await create.execute({ requester: { kind: 'merchant', merchant }, reference: 'rent-dec', customer: { phone: CUSTOMER_PHONE }, amount: { value: '10.00', currency: 'INR' }, note: null, expiresInMinutes: null });
    expect(merchants).toMatchObject({ ok: true, created: true, request: { merchantId: merchant.id, requesterUserId: null } });
    expect(requests.rows.size).toBe(2);
  });

  it('refuses a user while the profile keeps P2P collect off (UPI), with the same problem and message as before, looking nobody up', async () => {
    const { ask, parties, requests } = setup(UPI_PROFILE);
    const outcome = await ask();
    expect(outcome).toMatchObject({ ok: false, status: 403, code: PROBLEM_CODES.P2P_COLLECT_DISABLED });
    expect(!outcome.ok && outcome.detail).toBe(
      'Collect requests between people are off on the upi scheme (NPCI stopped them on UPI in October 2025): only a merchant may ask a customer to pay. Send a payment instead.',
    );
    expect(parties.calls).toEqual([]);
    expect(requests.rows.size).toBe(0);
  });

  it("refuses an amount above the profile's cap for requests between people (₹2,000 on the UPI numbers) before asking identity", async () => {
    const { ask, parties, requests } = setup();
    const above = await ask({ amount: { value: '2000.01', currency: 'INR' } });
    expect(above).toMatchObject({ ok: false, status: 422, code: PROBLEM_CODES.AMOUNT_OUT_OF_RANGE, resultCode: RESULT_CODES.PER_TRANSACTION_LIMIT });
    expect(!above.ok && above.detail).toContain('at most 2000.00 INR');
    expect(await ask({ amount: { value: '0.00', currency: 'INR' } })).toMatchObject({ ok: false, status: 422, code: PROBLEM_CODES.AMOUNT_OUT_OF_RANGE });
    expect(parties.calls).toEqual([]);
    expect(await ask({ amount: { value: '2000.00', currency: 'INR' } })).toMatchObject({ ok: true, created: true });
    expect(requests.rows.size).toBe(1);
  });

  it("holds the expiry to the profile's bounds for requests between people, not the merchants'", async () => {
    const base = p2pCollectProfile();
    const { ask, clock } = setup({ ...base, collect: { ...base.collect, p2p: { ...base.collect.p2p, expiry: { defaultMs: 10 * 60_000, minMs: 5 * 60_000, maxMs: 60 * 60_000 } } } });
    expect(await ask({ expiresInMinutes: 61 })).toMatchObject({ ok: false, status: 400, code: PROBLEM_CODES.VALIDATION_FAILED, detail: 'expiresInMinutes must be between 5 and 60.' });
    expect(await ask({ expiresInMinutes: 4 })).toMatchObject({ ok: false, status: 400 });
    const made = await ask();
    expect(made.ok && made.request.expiresAt.getTime() - clock.now().getTime()).toBe(10 * 60_000);
  });

  it("refuses a pay-to address that is missing, the phone-number one, another person's or nobody's, and a requester with no linked account", async () => {
    const { ask, parties, requests } = setup();
    expect(await ask({ payTo: undefined })).toMatchObject({ ok: false, status: 400, code: PROBLEM_CODES.VALIDATION_FAILED });
    // The number-based address would put a phone number in the request: refused before identity is asked.
    const phoneAddress = await ask({ payTo: { address: '9876543210@kirim' } });
    expect(phoneAddress).toMatchObject({ ok: false, status: 422, code: PROBLEM_CODES.PAY_TO_ADDRESS_NOT_USABLE });
    expect(!phoneAddress.ok && phoneAddress.detail).toContain('not your phone-number one');
    expect(parties.calls).toEqual([]);
    // identity resolves it to someone (not "self-payment"): not the requester's.
    expect(await ask({ payTo: { address: 'asha.k@kirim' } })).toMatchObject({ ok: false, status: 422, code: PROBLEM_CODES.PAY_TO_ADDRESS_NOT_USABLE });
    // Nobody holds it (ZH).
    parties.answer = { ok: false, failure: { kind: 'refused', status: 404, code: PROBLEM_CODES.PAYEE_NOT_FOUND, detail: 'No user', resultCode: RESULT_CODES.INVALID_ADDRESS } };
    expect(await ask()).toMatchObject({ ok: false, status: 422, code: PROBLEM_CODES.PAY_TO_ADDRESS_NOT_USABLE });
    // identity cannot tell: said as such, never as an answer about the address.
    parties.answer = { ok: false, failure: { kind: 'unavailable', reason: 'timeout' } };
    expect(await ask()).toMatchObject({ ok: false, status: 503, code: PROBLEM_CODES.DEPENDENCY_UNAVAILABLE });
    // The address is theirs, but no account is linked to be paid into (identity's XH for the requester as payer).
    parties.resolve = async (_payerUserId, payee) =>
      payee.address === SAMPLE_PAY_TO_ADDRESS
        ? { ok: false, failure: { kind: 'refused', status: 422, code: PROBLEM_CODES.SELF_PAYMENT, detail: 'same' } }
        : { ok: false, failure: { kind: 'refused', status: 422, code: PROBLEM_CODES.PAYER_ACCOUNT_MISSING, detail: 'payer', resultCode: RESULT_CODES.REMITTER_ACCOUNT_MISSING } };
    const noAccount = await ask();
    expect(noAccount).toMatchObject({ ok: false, status: 422, code: PROBLEM_CODES.PAY_TO_ADDRESS_NOT_USABLE });
    expect(!noAccount.ok && noAccount.detail).toContain('no linked bank account');
    expect(requests.rows.size).toBe(0);
  });

  it('refuses a requester asking themself to pay', async () => {
    const { ask, requests } = setup();
    // identity resolves the customer to the requester: its self-payment.
    expect(await ask({ customer: { address: SAMPLE_PAY_TO_ADDRESS } })).toMatchObject({ ok: false, status: 422, code: PROBLEM_CODES.SELF_PAYMENT, detail: 'You cannot ask yourself to pay.' });
    expect(requests.rows.size).toBe(0);
  });

  it('refuses a merchant naming a pay-to address: a merchant is paid to its settlement address', async () => {
    const { create, merchant, parties } = setup();
    const outcome = await create.execute({
      requester: { kind: 'merchant', merchant },
      reference: 'COL-1',
      customer: { phone: CUSTOMER_PHONE },
      payTo: { address: SAMPLE_PAY_TO_ADDRESS },
      amount: { value: '10.00', currency: 'INR' },
      note: null,
      expiresInMinutes: null,
    });
    expect(outcome).toMatchObject({ ok: false, status: 400, code: PROBLEM_CODES.VALIDATION_FAILED });
    expect(parties.calls).toEqual([]);
  });
});
