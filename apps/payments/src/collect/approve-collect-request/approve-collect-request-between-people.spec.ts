import { EVENT_TYPES, PROBLEM_CODES, RESULT_CODES } from '@kirim/contracts';
import { CollectRequest } from '../collect-request';
import { collectHarness, p2pCollectProfile, PERSON_PARTIES, SAMPLE_PAY_TO_ADDRESS, SAMPLE_REQUESTER_ID } from '../../testing/collect-fakes';
import { SAMPLE_CUSTOMER_ID } from '../../testing/merchant-fakes';
import { SAMPLE_PAYEE_ACCOUNT, SAMPLE_PAYER_ACCOUNT, TEST_PIN_BLOCK, UPI_PROFILE } from '../../testing/payment-fakes';
import { SchemeProfile } from '../../limits/scheme-profile';
import { ApproveCollectRequestCommand, ApproveCollectRequestUseCase } from './approve-collect-request.use-case';

const STRANGER_ID = 'd1d1d1d1-d1d1-4d1d-8d1d-d1d1d1d1d1d1';

describe('ApproveCollectRequestUseCase between people (P2P collect)', () => {
  async function withRequest(profile: SchemeProfile = p2pCollectProfile()) {
    const harness = collectHarness({ profile });
    const ask = async (ref: string) => {
      const made = await harness.create.execute({
        requester: { kind: 'user', userId: SAMPLE_REQUESTER_ID },
        reference: ref,
        customer: { phone: '+919812345678' },
        payTo: { address: SAMPLE_PAY_TO_ADDRESS },
        amount: { value: '1500.00', currency: 'INR' },
        note: 'rent share',
        expiresInMinutes: 10,
      });
      if (!made.ok) throw new Error(made.detail);
      return made.request;
    };
    const request = await ask('rent-dec');
    const approveWith = (useCase: ApproveCollectRequestUseCase, changes: Partial<ApproveCollectRequestCommand> = {}) =>
      useCase.execute({ customerUserId: SAMPLE_CUSTOMER_ID, deviceBoundAt: null, idempotencyKey: 'approve-1', collectRequestId: request.id, encryptedPin: TEST_PIN_BLOCK, ...changes });
    const approve = (changes: Partial<ApproveCollectRequestCommand> = {}) => approveWith(harness.approve, changes);
    /** The same use case over the same ports, under another profile (the switch turned, the cap changed). */
    const approveUnder = (profile: SchemeProfile) =>
      new ApproveCollectRequestUseCase(harness.requests, harness.orders, harness.payOrder, harness.initiatePayment, harness.clock, harness.ids, profile);
    const stored = (): CollectRequest => {
      const row = harness.requests.rows.get(request.id);
      if (!row) throw new Error('no such request');
      return row;
    };
    return { ...harness, request, ask, approve, approveWith, approveUnder, stored };
  }

  it('pays the requester from the customer as one ordinary P2P payment, with the PIN on the debit, and records the approval with it', async () => {
    const { approve, request, stored, orders, requests, unitOfWork, parties } = await withRequest();
    const outcome = await approve();
    if (!outcome.ok) throw new Error(outcome.detail);
    expect(outcome.replayed).toBe(false);
    expect(outcome.payment).toMatchObject({
      status: 'debit_pending',
      payerUserId: SAMPLE_CUSTOMER_ID,
      payeeUserId: SAMPLE_REQUESTER_ID,
      payer: SAMPLE_PAYER_ACCOUNT,
      payee: SAMPLE_PAYEE_ACCOUNT,
      payeeDisplayName: PERSON_PARTIES.payee.displayName,
      note: 'rent share',
      // A plain P2P payment: no merchant, no order.
      merchant: null,
    });
    expect(outcome.payment.amount.minorUnits).toBe(150_000n);
    expect(orders.orders.size).toBe(0);
    expect(stored()).toMatchObject({ status: 'approved', orderId: null, paymentId: outcome.payment.id, decidedAt: outcome.payment.createdAt });
    // The request's row was locked in the payment's transaction, and the debit carries the customer's PIN.
    expect(requests.locked).toEqual([request.id]);
    const debit = unitOfWork.published.find((event) => event.type === EVENT_TYPES.BANK_DEBIT_REQUESTED);
    expect(debit?.data).toMatchObject({ accountRef: SAMPLE_PAYER_ACCOUNT.accountRef, encryptedPin: TEST_PIN_BLOCK, amount: { value: '1500.00', currency: 'INR' } });
    // The customer resolved the pay-to address from their own bucket, as for any payment.
    expect(parties.calls.at(-1)).toEqual({ payerUserId: SAMPLE_CUSTOMER_ID, payeeAddress: SAMPLE_PAY_TO_ADDRESS });
  });

  it('answers a retry with the same key with the same payment, refuses another key (409), and never takes a plain payment\'s key for an approval', async () => {
    const { approve, ask, initiatePayment, payments } = await withRequest();
    const first = await approve();
    if (!first.ok) throw new Error(first.detail);
    const retry = await approve({ encryptedPin: `${TEST_PIN_BLOCK}x` });
    expect(retry).toMatchObject({ ok: true, replayed: true });
    expect(retry.ok && retry.payment.id).toBe(first.payment.id);
    expect(await approve({ idempotencyKey: 'approve-2' })).toMatchObject({ ok: false, status: 409, code: PROBLEM_CODES.COLLECT_REQUEST_NOT_PENDING });
    expect(payments.rows.size).toBe(1);

    // A plain payment of the same amount and note to the same address, then its key on another request's approval.
    const plain = await initiatePayment.execute({
      payerUserId: SAMPLE_CUSTOMER_ID,
      deviceBoundAt: null,
      idempotencyKey: 'plain-1',
      payeeAddress: SAMPLE_PAY_TO_ADDRESS,
      amount: { value: '1500.00', currency: 'INR' },
      note: 'rent share',
      encryptedPin: TEST_PIN_BLOCK,
    });
    expect(plain).toMatchObject({ ok: true, replayed: false });
    const second = await ask('rent-jan');
    expect(await approve({ collectRequestId: second.id, idempotencyKey: 'plain-1' })).toMatchObject({ ok: false, status: 422, code: PROBLEM_CODES.IDEMPOTENCY_KEY_REUSED });
    expect(payments.rows.size).toBe(2);
  });

  it('answers anyone but the customer asked as if there were no such request, the requester included, and changes nothing', async () => {
    const { approve, stored, payments, parties } = await withRequest();
    const callsBefore = parties.calls.length;
    expect(await approve({ customerUserId: STRANGER_ID })).toMatchObject({ ok: false, status: 404, code: PROBLEM_CODES.NOT_FOUND });
    expect(await approve({ customerUserId: SAMPLE_REQUESTER_ID })).toMatchObject({ ok: false, status: 404, code: PROBLEM_CODES.NOT_FOUND });
    expect(stored().status).toBe('pending');
    expect([payments.rows.size, parties.calls.length]).toEqual([0, callsBefore]);
  });

  it('refuses approving a declined request (409) and one past its expiry (U69), moving nothing', async () => {
    const declined = await withRequest();
    expect(await declined.decline.execute({ customerUserId: SAMPLE_CUSTOMER_ID, collectRequestId: declined.request.id })).toMatchObject({ ok: true, declinedNow: true });
    expect(await declined.approve()).toMatchObject({ ok: false, status: 409, code: PROBLEM_CODES.COLLECT_REQUEST_NOT_PENDING });

    const late = await withRequest();
    late.clock.current = new Date(late.request.expiresAt.getTime());
    expect(await late.approve()).toMatchObject({ ok: false, status: 422, code: PROBLEM_CODES.COLLECT_REQUEST_EXPIRED, resultCode: RESULT_CODES.COLLECT_EXPIRED });
    for (const { payments, keys } of [declined, late]) expect([payments.rows.size, keys.rows.size]).toEqual([0, 0]);
  });

  it("re-checks the request under its lock in the payment's transaction: a decline that won meanwhile refuses the payment, writing nothing", async () => {
    const { approve, requests, request, payments, keys, stored } = await withRequest();
    // The customer's decline commits between the approval's first look and its transaction.
    const lockById = requests.lockById.bind(requests);
    requests.lockById = async (tx, id) => {
      const row = requests.rows.get(id);
      if (row?.status === 'pending') requests.rows.set(id, { ...row, status: 'declined', decidedAt: row.createdAt });
      return lockById(tx, id);
    };
    expect(await approve()).toMatchObject({ ok: false, status: 409, code: PROBLEM_CODES.COLLECT_REQUEST_NOT_PENDING });
    expect(stored()).toMatchObject({ id: request.id, status: 'declined', paymentId: null });
    expect([payments.rows.size, keys.rows.size]).toEqual([0, 0]);
  });

  it('answers U69 when the expiry passes between the first look and the payment', async () => {
    const { approve, clock, request, payments } = await withRequest();
    const beforeExpiry = new Date(request.expiresAt.getTime() - 1);
    let calls = 0;
    clock.now = () => (calls++ === 0 ? beforeExpiry : request.expiresAt);
    expect(await approve()).toMatchObject({ ok: false, status: 422, code: PROBLEM_CODES.COLLECT_REQUEST_EXPIRED, resultCode: RESULT_CODES.COLLECT_EXPIRED });
    expect(payments.rows.size).toBe(0);
  });

  it('refuses a pending request once the profile turns P2P collect off or lowers its cap, yet still answers a replay of an approval', async () => {
    const { approveWith, approveUnder, stored, payments } = await withRequest();
    const off = approveUnder(UPI_PROFILE);
    expect(await approveWith(off)).toMatchObject({ ok: false, status: 403, code: PROBLEM_CODES.P2P_COLLECT_DISABLED });
    const on = p2pCollectProfile();
    const lowered = approveUnder({ ...on, collect: { ...on.collect, p2p: { ...on.collect.p2p, maxAmountMinor: 100_000n } } });
    expect(await approveWith(lowered)).toMatchObject({ ok: false, status: 422, code: PROBLEM_CODES.AMOUNT_OUT_OF_RANGE, resultCode: RESULT_CODES.PER_TRANSACTION_LIMIT });
    expect([stored().status, payments.rows.size]).toEqual(['pending', 0]);

    // Approved while on; the client's retry of that approval comes after the switch is off.
    const approved = await approveWith(approveUnder(on));
    if (!approved.ok) throw new Error(approved.detail);
    expect(await approveWith(off)).toMatchObject({ ok: true, replayed: true, payment: { id: approved.payment.id } });
  });

  it('pays nobody when the pay-to address no longer leads to the requester, leaving the request pending', async () => {
    const { approve, parties, stored, payments } = await withRequest();
    // identity now gives the address to someone else...
    parties.resolve = async () => ({ ok: true, parties: { ...PERSON_PARTIES, payee: { ...PERSON_PARTIES.payee, userId: STRANGER_ID } } });
    const moved = await approve();
    expect(moved).toMatchObject({ ok: false, status: 422, code: PROBLEM_CODES.PAY_TO_ADDRESS_NOT_USABLE });
    // ...or to nobody with an account (XI).
    parties.resolve = async () => ({ ok: false, failure: { kind: 'refused', status: 422, code: PROBLEM_CODES.PAYEE_NOT_FOUND, detail: 'payee', resultCode: RESULT_CODES.BENEFICIARY_ACCOUNT_MISSING } });
    expect(await approve({ idempotencyKey: 'approve-2' })).toMatchObject({ ok: false, status: 422, code: PROBLEM_CODES.PAY_TO_ADDRESS_NOT_USABLE });
    expect([stored().status, payments.rows.size]).toEqual(['pending', 0]);
  });

  it("leaves the request pending when the payment's own limits refuse it, and lets a later approval through", async () => {
    // The cooling period of a new device (FL), lowered below the request's ₹1,500.
    const { approve, clock, stored, payments } = await withRequest(p2pCollectProfile({ ...UPI_PROFILE, coolingPeriodMaxAmountMinor: 100_000n }));
    expect(await approve({ deviceBoundAt: new Date(clock.now().getTime() - 60_000) })).toMatchObject({
      ok: false,
      status: 422,
      code: PROBLEM_CODES.NEW_DEVICE_LIMIT,
      resultCode: RESULT_CODES.COOLING_PERIOD_FIRST_PAYMENT_LIMIT,
    });
    expect([stored().status, payments.rows.size]).toEqual(['pending', 0]);
    expect(await approve({ idempotencyKey: 'approve-2' })).toMatchObject({ ok: true, replayed: false });
    expect(stored().status).toBe('approved');
  });
});
