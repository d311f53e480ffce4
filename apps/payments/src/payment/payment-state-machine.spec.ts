import { BankLegRequested, EVENT_TYPES, PAYMENT_STATUSES, PaymentLifecycleEvent, PaymentStatus, validatePayload } from '@kirim/contracts';
import { SAMPLE_PAYEE_ACCOUNT, SAMPLE_PAYER_ACCOUNT, SAMPLE_PAYMENT_ID, samplePayment } from '../testing/payment-fakes';
import { Payment } from './payment';
import { automaticNextStep, isFinal, isLegPending, owesReversal, PaymentEvent, PaymentEventKind, pendingLegRequest, transition, TransitionResult } from './payment-state-machine';

const AT = new Date('2026-11-28T10:00:00.000Z');
const PAYMENT_ID = SAMPLE_PAYMENT_ID;
const DEBIT_ID = '11111111-1111-4111-8111-111111111111';
const CREDIT_ID = '22222222-2222-4222-8222-222222222222';
const REVERSAL_ID = '33333333-3333-4333-8333-333333333333';
const FOREIGN_ID = '44444444-4444-4444-8444-444444444444';
const PAYER = SAMPLE_PAYER_ACCOUNT;
const PAYEE = SAMPLE_PAYEE_ACCOUNT;

function paymentIn(status: PaymentStatus): Payment {
  const legs: Record<PaymentStatus, Partial<Payment>> = {
    created: {},
    debit_pending: { debitRequestId: DEBIT_ID },
    debited: { debitRequestId: DEBIT_ID, rrn: '123456789012' },
    debit_failed: { debitRequestId: DEBIT_ID, resultCode: 'Z9' },
    credit_pending: { debitRequestId: DEBIT_ID, creditRequestId: CREDIT_ID, rrn: '123456789012' },
    completed: { debitRequestId: DEBIT_ID, creditRequestId: CREDIT_ID, rrn: '123456789012', resultCode: '00' },
    credit_failed: { debitRequestId: DEBIT_ID, creditRequestId: CREDIT_ID, resultCode: 'XI' },
    reversal_pending: { debitRequestId: DEBIT_ID, creditRequestId: CREDIT_ID, reversalRequestId: REVERSAL_ID, resultCode: 'XI', reversalAttempts: 1 },
    reversal_failed: {
      debitRequestId: DEBIT_ID,
      creditRequestId: CREDIT_ID,
      reversalRequestId: REVERSAL_ID,
      resultCode: 'XI',
      reversalAttempts: 1,
      reversalFailure: 'declined',
      reversalResultCode: 'XH',
    },
    reversed: { debitRequestId: DEBIT_ID, creditRequestId: CREDIT_ID, reversalRequestId: REVERSAL_ID, resultCode: 'U31' },
  };
  return samplePayment(status, legs[status]);
}

/** An encrypted PIN as the device sends it (the state machine never opens it). */
const PIN_BLOCK = 'eyJhbGciOiJFQ0RILUVTIn0..aXY.Y2lwaGVydGV4dA.dGFn';

/** The leg a payment in `status` waits for (for `leg-deemed`). */
const PENDING_IDS: Partial<Record<PaymentStatus, string>> = { debit_pending: DEBIT_ID, credit_pending: CREDIT_ID, reversal_pending: REVERSAL_ID };

/** For each event, the answer the payment in `status` is waiting for (the right request id). */
function eventFor(kind: PaymentEventKind, requestId?: string, status?: PaymentStatus): PaymentEvent {
  switch (kind) {
    case 'debit-requested':
      return { kind, debitRequestId: DEBIT_ID, at: AT, encryptedPin: PIN_BLOCK };
    case 'debit-succeeded':
      return { kind, requestId: requestId ?? DEBIT_ID, rrn: '123456789012', at: AT };
    case 'debit-declined':
      return { kind, requestId: requestId ?? DEBIT_ID, resultCode: 'Z9', at: AT };
    case 'credit-requested':
      return { kind, creditRequestId: CREDIT_ID, at: AT };
    case 'credit-succeeded':
      return { kind, requestId: requestId ?? CREDIT_ID, at: AT };
    case 'credit-declined':
      return { kind, requestId: requestId ?? CREDIT_ID, resultCode: 'XI', at: AT };
    case 'reversal-requested':
      return { kind, reversalRequestId: REVERSAL_ID, at: AT };
    case 'reversal-succeeded':
      return { kind, requestId: requestId ?? REVERSAL_ID, at: AT };
    case 'reversal-declined':
      return { kind, requestId: requestId ?? REVERSAL_ID, resultCode: 'Z9', at: AT };
    case 'leg-deemed':
      return { kind, requestId: requestId ?? (status !== undefined ? PENDING_IDS[status] : undefined) ?? FOREIGN_ID, resultCode: 'U67', at: AT };
    case 'reversal-resolved-by-operator':
      return { kind, at: AT };
  }
}

const ALL_EVENT_KINDS: readonly PaymentEventKind[] = [
  'debit-requested',
  'debit-succeeded',
  'debit-declined',
  'credit-requested',
  'credit-succeeded',
  'credit-declined',
  'reversal-requested',
  'reversal-succeeded',
  'reversal-declined',
  'leg-deemed',
  'reversal-resolved-by-operator',
];

/** The legal transitions of DESIGN.md: [from, event, to]. */
const LEGAL: ReadonlyArray<readonly [PaymentStatus, PaymentEventKind, PaymentStatus]> = [
  ['created', 'debit-requested', 'debit_pending'],
  ['debit_pending', 'debit-succeeded', 'debited'],
  ['debit_pending', 'debit-declined', 'debit_failed'],
  ['debited', 'credit-requested', 'credit_pending'],
  ['credit_pending', 'credit-succeeded', 'completed'],
  ['credit_pending', 'credit-declined', 'credit_failed'],
  ['credit_failed', 'reversal-requested', 'reversal_pending'],
  ['reversal_pending', 'reversal-succeeded', 'reversed'],
  ['reversal_pending', 'reversal-declined', 'reversal_failed'],
  ['reversal_failed', 'reversal-requested', 'reversal_pending'],
  // The answer to an attempt deemed unanswered may still come (here: to the attempt declined, it cannot).
  ['reversal_failed', 'reversal-succeeded', 'reversed'],
  ['reversal_failed', 'reversal-resolved-by-operator', 'reversed'],
  ['debit_pending', 'leg-deemed', 'debit_failed'],
  ['credit_pending', 'leg-deemed', 'credit_failed'],
  ['reversal_pending', 'leg-deemed', 'reversal_failed'],
];

function accepted(result: TransitionResult) {
  if (!result.ok) throw new Error(`expected acceptance, got ${result.reason}`);
  return result;
}

describe('payment state machine', () => {
  describe.each(LEGAL)('%s --%s-->', (from, kind, to) => {
    it(`moves to ${to} and publishes only valid contract payloads keyed by the payment id`, () => {
      const result = accepted(transition(paymentIn(from), eventFor(kind, undefined, from)));
      expect(result.payment.status).toBe(to);
      expect(result.payment.updatedAt).toEqual(AT);
      for (const event of result.events) {
        expect(event.key).toBe(PAYMENT_ID);
        const cls: new () => object = event.type.startsWith('bank.') ? BankLegRequested : PaymentLifecycleEvent;
        expect(validatePayload(cls, JSON.parse(JSON.stringify(event.data)))).toEqual(expect.objectContaining({ ok: true }));
      }
    });
  });

  it('created -> debit_pending records the debit leg and publishes initiated + debit requested from the payer', () => {
    const result = accepted(transition(paymentIn('created'), eventFor('debit-requested')));
    expect(result.payment.debitRequestId).toBe(DEBIT_ID);
    expect(result.events.map((e) => e.type)).toEqual([EVENT_TYPES.PAYMENT_INITIATED, EVENT_TYPES.BANK_DEBIT_REQUESTED]);
    expect(result.events[0].data).toMatchObject({ status: 'debit_pending', amount: { value: '500.00', currency: 'INR' }, occurredAt: AT.toISOString() });
    expect(result.events[1].data).toMatchObject({ requestId: DEBIT_ID, purpose: 'payment', ...PAYER, amount: { value: '500.00', currency: 'INR' } });
  });

  it('puts the encrypted PIN on the debit request and nowhere else: not on the payment, not on the lifecycle event', () => {
    const result = accepted(transition(paymentIn('created'), eventFor('debit-requested')));
    expect(result.events[1].data).toMatchObject({ encryptedPin: PIN_BLOCK });
    expect(JSON.stringify(result.events[0])).not.toContain(PIN_BLOCK);
    expect(JSON.stringify(result.payment, (_key, value: unknown) => (typeof value === 'bigint' ? value.toString() : value))).not.toContain(PIN_BLOCK);
  });

  it('a credit and a reversal carry no PIN', () => {
    for (const [from, kind] of [['debited', 'credit-requested'], ['credit_failed', 'reversal-requested']] as const) {
      const result = accepted(transition(paymentIn(from), eventFor(kind)));
      expect(result.events.map((event) => (event.data as { encryptedPin?: string }).encryptedPin)).toEqual([undefined]);
    }
  });

  it('debit succeeded stores the RRN and publishes nothing by itself', () => {
    const result = accepted(transition(paymentIn('debit_pending'), eventFor('debit-succeeded')));
    expect(result.payment.rrn).toBe('123456789012');
    expect(result.events).toEqual([]);
  });

  it('debit declined stores the bank code and publishes payment failed', () => {
    const result = accepted(transition(paymentIn('debit_pending'), eventFor('debit-declined')));
    expect(result.payment.resultCode).toBe('Z9');
    expect(result.events.map((e) => e.type)).toEqual([EVENT_TYPES.PAYMENT_FAILED]);
    expect(result.events[0].data).toMatchObject({ status: 'debit_failed', resultCode: 'Z9' });
  });

  it('a decline claiming success (00) is recorded as U30, never as success', () => {
    const result = accepted(transition(paymentIn('debit_pending'), { kind: 'debit-declined', requestId: DEBIT_ID, resultCode: '00', at: AT }));
    expect(result.payment.resultCode).toBe('U30');
  });

  it('debited -> credit_pending asks the payee bank to credit', () => {
    const result = accepted(transition(paymentIn('debited'), eventFor('credit-requested')));
    expect(result.payment.creditRequestId).toBe(CREDIT_ID);
    expect(result.events.map((e) => e.type)).toEqual([EVENT_TYPES.BANK_CREDIT_REQUESTED]);
    expect(result.events[0].data).toMatchObject({ requestId: CREDIT_ID, purpose: 'payment', ...PAYEE });
  });

  it('credit succeeded completes the payment with 00 and keeps the RRN', () => {
    const result = accepted(transition(paymentIn('credit_pending'), eventFor('credit-succeeded')));
    expect(result.payment.resultCode).toBe('00');
    expect(result.events.map((e) => e.type)).toEqual([EVENT_TYPES.PAYMENT_COMPLETED]);
    expect(result.events[0].data).toMatchObject({ status: 'completed', resultCode: '00', rrn: '123456789012' });
  });

  it('credit declined records the code and publishes nothing (the reversal follows)', () => {
    const result = accepted(transition(paymentIn('credit_pending'), eventFor('credit-declined')));
    expect(result.payment.resultCode).toBe('XI');
    expect(result.events).toEqual([]);
  });

  it('credit_failed -> reversal_pending credits the money back to the PAYER', () => {
    const result = accepted(transition(paymentIn('credit_failed'), eventFor('reversal-requested')));
    expect(result.payment.reversalRequestId).toBe(REVERSAL_ID);
    expect(result.events.map((e) => e.type)).toEqual([EVENT_TYPES.BANK_CREDIT_REQUESTED]);
    expect(result.events[0].data).toMatchObject({ requestId: REVERSAL_ID, purpose: 'reversal', ...PAYER });
  });

  it('reversal succeeded ends reversed with U31 and publishes payment reversed', () => {
    const result = accepted(transition(paymentIn('reversal_pending'), eventFor('reversal-succeeded')));
    expect(result.payment.resultCode).toBe('U31');
    expect(result.events.map((e) => e.type)).toEqual([EVENT_TYPES.PAYMENT_REVERSED]);
    expect(result.events[0].data).toMatchObject({ status: 'reversed', resultCode: 'U31' });
  });

  it('a declined reversal moves to reversal_failed with the bank code, publishing nothing (its retry is the timer\'s)', () => {
    const result = accepted(transition(paymentIn('reversal_pending'), eventFor('reversal-declined')));
    expect(result.payment).toMatchObject({ status: 'reversal_failed', reversalFailure: 'declined', reversalResultCode: 'Z9', resultCode: 'XI', reversalAttempts: 1 });
    expect(result.events).toEqual([]);
    // The same decline again (a redelivery, or the answer to a status check) changes nothing.
    expect(transition(result.payment, eventFor('reversal-declined'))).toMatchObject({ ok: false, reason: 'duplicate' });
  });

  it('a retried reversal counts its attempt and re-opens the leg with the id it is given', () => {
    const NEW_ID = '55555555-5555-4555-8555-555555555555';
    const result = accepted(transition(paymentIn('reversal_failed'), { kind: 'reversal-requested', reversalRequestId: NEW_ID, at: AT }));
    expect(result.payment).toMatchObject({ status: 'reversal_pending', reversalRequestId: NEW_ID, reversalAttempts: 2, reversalFailure: null, reversalResultCode: 'XH' });
    expect(result.events[0].data).toMatchObject({ requestId: NEW_ID, purpose: 'reversal', ...PAYER });
    // The answer to the declined attempt's id is no longer the pending leg's.
    expect(transition(result.payment, eventFor('reversal-succeeded'))).toMatchObject({ ok: false, reason: 'stale-request' });
  });

  describe('deemed outcomes (the scheme profile decides, after the last status check)', () => {
    it('a deemed debit fails with the profile code, marks the debit deemed and tells the world the payment failed', () => {
      const result = accepted(transition(paymentIn('debit_pending'), { kind: 'leg-deemed', requestId: DEBIT_ID, resultCode: 'U67', at: AT }));
      expect(result.payment).toMatchObject({ status: 'debit_failed', resultCode: 'U67', deemedLeg: 'debit' });
      expect(result.events.map((e) => [e.type, (e.data as PaymentLifecycleEvent).resultCode])).toEqual([[EVENT_TYPES.PAYMENT_FAILED, 'U67']]);
    });

    it('a deemed credit fails with the profile code and publishes nothing (the reversal follows)', () => {
      const result = accepted(transition(paymentIn('credit_pending'), { kind: 'leg-deemed', requestId: CREDIT_ID, resultCode: 'U68', at: AT }));
      expect(result.payment).toMatchObject({ status: 'credit_failed', resultCode: 'U68', deemedLeg: 'credit' });
      expect(result.events).toEqual([]);
    });

    it('a deemed reversal fails as unanswered with the profile code; the payment keeps why it is reversed', () => {
      const result = accepted(transition(paymentIn('reversal_pending'), { kind: 'leg-deemed', requestId: REVERSAL_ID, resultCode: 'RB', at: AT }));
      expect(result.payment).toMatchObject({ status: 'reversal_failed', reversalFailure: 'unanswered', reversalResultCode: 'RB', resultCode: 'XI', deemedLeg: null });
      // Its late decline is news: the bank has a record now, and a retry needs a new id.
      expect(accepted(transition(result.payment, eventFor('reversal-declined'))).payment).toMatchObject({ status: 'reversal_failed', reversalFailure: 'declined', reversalResultCode: 'Z9' });
      // Its late success ends the payment.
      expect(accepted(transition(result.payment, eventFor('reversal-succeeded'))).payment).toMatchObject({ status: 'reversed', resultCode: 'U31' });
    });

    it('is refused for a leg other than the pending one (a timer that outlived its leg)', () => {
      expect(transition(paymentIn('credit_pending'), { kind: 'leg-deemed', requestId: DEBIT_ID, resultCode: 'U68', at: AT })).toMatchObject({ ok: false, reason: 'stale-request' });
      expect(transition(paymentIn('completed'), { kind: 'leg-deemed', requestId: CREDIT_ID, resultCode: 'U68', at: AT })).toMatchObject({ ok: false, reason: 'illegal-transition' });
    });

    it('a reversal after a deemed credit ends reversed with the deemed code U68', () => {
      const failed = accepted(transition(paymentIn('credit_pending'), { kind: 'leg-deemed', requestId: CREDIT_ID, resultCode: 'U68', at: AT })).payment;
      const reversing = accepted(transition(failed, eventFor('reversal-requested'))).payment;
      const result = accepted(transition(reversing, eventFor('reversal-succeeded')));
      expect(result.payment).toMatchObject({ status: 'reversed', resultCode: 'U68' });
      expect(result.events[0].data).toMatchObject({ status: 'reversed', resultCode: 'U68' });
    });
  });

  describe('late answers after a deemed outcome', () => {
    const deemedDebit = (): Payment => accepted(transition(paymentIn('debit_pending'), { kind: 'leg-deemed', requestId: DEBIT_ID, resultCode: 'U67', at: AT })).payment;

    it('a debit made after it was deemed failed moves to credit_failed (the reversal follows), keeps U67 and alerts', () => {
      const result = accepted(transition(deemedDebit(), eventFor('debit-succeeded')));
      expect(result.payment).toMatchObject({ status: 'credit_failed', resultCode: 'U67', rrn: '123456789012', creditRequestId: null });
      expect(result.events).toEqual([]);
      expect(result.alerts.map((alert) => alert.name)).toEqual(['late-answer-after-deemed-outcome']);
      const reversed = accepted(transition(accepted(transition(result.payment, eventFor('reversal-requested'))).payment, eventFor('reversal-succeeded')));
      expect(reversed.payment).toMatchObject({ status: 'reversed', resultCode: 'U67' });
    });

    it('a late decline of a deemed debit only confirms it; a debit failed by a bank decline is not reopened', () => {
      expect(transition(deemedDebit(), eventFor('debit-declined'))).toMatchObject({ ok: false, reason: 'duplicate' });
      expect(transition(paymentIn('debit_failed'), eventFor('debit-succeeded'))).toMatchObject({ ok: false, reason: 'duplicate' });
    });

    it('a credit made after it was deemed failed is recorded on the payment and alerted, once; the state stays', () => {
      const failed = accepted(transition(paymentIn('credit_pending'), { kind: 'leg-deemed', requestId: CREDIT_ID, resultCode: 'U68', at: AT })).payment;
      const reversing = accepted(transition(failed, eventFor('reversal-requested'))).payment;
      const late = new Date(AT.getTime() + 60_000);
      const result = accepted(transition(reversing, { kind: 'credit-succeeded', requestId: CREDIT_ID, at: late }));
      expect(result.payment).toMatchObject({ status: 'reversal_pending', lateCreditAt: late, updatedAt: reversing.updatedAt });
      expect(result.events).toEqual([]);
      expect(result.alerts.map((alert) => alert.name)).toEqual(['late-answer-after-deemed-outcome']);
      expect(transition(result.payment, { kind: 'credit-succeeded', requestId: CREDIT_ID, at: late })).toMatchObject({ ok: false, reason: 'duplicate' });
    });
  });

  it('an operator resolves only a failed reversal: while one is pending the bank may still pay back', () => {
    const result = accepted(transition(paymentIn('reversal_failed'), eventFor('reversal-resolved-by-operator')));
    expect(result.payment).toMatchObject({ status: 'reversed', resultCode: 'U31' });
    expect(result.events.map((e) => e.type)).toEqual([EVENT_TYPES.PAYMENT_REVERSED]);
    expect(transition(paymentIn('reversal_pending'), eventFor('reversal-resolved-by-operator'))).toMatchObject({ ok: false, reason: 'illegal-transition' });
  });

  it('does not mutate the payment it is given', () => {
    const before = paymentIn('debit_pending');
    const copy = { ...before };
    transition(before, eventFor('debit-succeeded'));
    expect(before).toEqual(copy);
  });

  describe('every other (state, event) pair is refused without throwing', () => {
    const legalPairs = new Set(LEGAL.map(([from, kind]) => `${from}|${kind}`));
    const illegal = PAYMENT_STATUSES.flatMap((status) =>
      ALL_EVENT_KINDS.filter((kind) => !legalPairs.has(`${status}|${kind}`)).map((kind) => [status, kind] as const),
    );

    it.each(illegal)('%s + %s', (status, kind) => {
      const payment = paymentIn(status);
      const result = transition(payment, eventFor(kind, undefined, status));
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.status).toBe(status);
      expect(result.event).toBe(kind);
      expect(['duplicate', 'stale-request', 'illegal-transition']).toContain(result.reason);
    });

    it('commands in the wrong state are illegal transitions', () => {
      expect(transition(paymentIn('debit_pending'), eventFor('debit-requested'))).toMatchObject({ ok: false, reason: 'illegal-transition' });
      expect(transition(paymentIn('credit_pending'), eventFor('credit-requested'))).toMatchObject({ ok: false, reason: 'illegal-transition' });
      expect(transition(paymentIn('completed'), eventFor('reversal-requested'))).toMatchObject({ ok: false, reason: 'illegal-transition' });
    });

    it('an answer to a leg that was already answered is a duplicate', () => {
      expect(transition(paymentIn('credit_pending'), eventFor('debit-succeeded'))).toMatchObject({ ok: false, reason: 'duplicate' });
      expect(transition(paymentIn('debit_failed'), eventFor('debit-declined'))).toMatchObject({ ok: false, reason: 'duplicate' });
      expect(transition(paymentIn('completed'), eventFor('credit-succeeded'))).toMatchObject({ ok: false, reason: 'duplicate' });
      expect(transition(paymentIn('reversed'), eventFor('reversal-succeeded'))).toMatchObject({ ok: false, reason: 'duplicate' });
    });

    it('an answer naming a request id that is not the pending leg is stale', () => {
      expect(transition(paymentIn('debit_pending'), eventFor('debit-succeeded', FOREIGN_ID))).toMatchObject({ ok: false, reason: 'stale-request' });
      expect(transition(paymentIn('credit_pending'), eventFor('credit-declined', FOREIGN_ID))).toMatchObject({ ok: false, reason: 'stale-request' });
      // The debit's id arriving as a credit answer is a mix-up, not the pending credit.
      expect(transition(paymentIn('credit_pending'), eventFor('credit-succeeded', DEBIT_ID))).toMatchObject({ ok: false, reason: 'duplicate' });
      expect(transition(paymentIn('created'), eventFor('debit-succeeded'))).toMatchObject({ ok: false, reason: 'stale-request' });
    });
  });

  it('knows the automatic next step of each state', () => {
    const steps = Object.fromEntries(PAYMENT_STATUSES.map((s) => [s, automaticNextStep(s)]));
    expect(steps).toEqual({
      created: null,
      debit_pending: null,
      debited: 'credit-requested',
      credit_pending: null,
      completed: null,
      debit_failed: null,
      credit_failed: 'reversal-requested',
      reversal_pending: null,
      reversal_failed: null,
      reversed: null,
    });
  });

  it('knows the final states', () => {
    expect(PAYMENT_STATUSES.filter(isFinal)).toEqual(['completed', 'debit_failed', 'reversed']);
  });

  it('knows the states that wait for a bank answer', () => {
    expect(PAYMENT_STATUSES.filter(isLegPending)).toEqual(['debit_pending', 'credit_pending', 'reversal_pending']);
  });

  it('knows the states that owe the payer a reversal', () => {
    expect(PAYMENT_STATUSES.filter(owesReversal)).toEqual(['credit_failed', 'reversal_pending', 'reversal_failed']);
  });

  describe('pendingLegRequest (what a status check re-sends)', () => {
    it.each([
      ['created', 'debit-requested'],
      ['debited', 'credit-requested'],
      ['credit_failed', 'reversal-requested'],
    ] as const)('after %s --%s--> it is the command the transition published, without any PIN', (from, kind) => {
      const result = accepted(transition(paymentIn(from), eventFor(kind)));
      const sent = result.events.filter((e) => e.type.startsWith('bank.'));
      expect(sent).toHaveLength(1);
      const { encryptedPin: _pin, ...withoutPin } = sent[0].data as { encryptedPin?: string };
      // A status check never re-sends the PIN: the bank answers a debit it applied from its record.
      expect(pendingLegRequest(result.payment)).toEqual({ ...sent[0], data: expect.objectContaining(withoutPin) });
      expect(pendingLegRequest(result.payment)?.data.encryptedPin).toBeUndefined();
    });

    it('is null where no leg is pending', () => {
      expect(PAYMENT_STATUSES.filter((status) => pendingLegRequest(paymentIn(status)) !== null)).toEqual(['debit_pending', 'credit_pending', 'reversal_pending']);
      expect(pendingLegRequest({ ...paymentIn('credit_pending'), creditRequestId: null })).toBeNull();
    });
  });

  describe("the merchant link on lifecycle events (docs/merchants.md)", () => {
    const MERCHANT_ID = '55555555-5555-4555-8555-555555555555';
    const ORDER_ID = '66666666-6666-4666-8666-666666666666';
    const ORDER_PAYMENT_ID = '77777777-7777-4777-8777-777777777777';
    const completedEventOf = (payment: Payment) => {
      const [event] = accepted(transition(payment, eventFor('credit-succeeded'))).events;
      expect(event.type).toBe(EVENT_TYPES.PAYMENT_COMPLETED);
      // What a consumer gets is the JSON (the contract classes' fields exist as undefined until sent),
      // and the nested link must pass the contract there too.
      const sent = JSON.parse(JSON.stringify(event.data)) as PaymentLifecycleEvent;
      expect(validatePayload(PaymentLifecycleEvent, sent)).toEqual(expect.objectContaining({ ok: true }));
      return sent;
    };

    it("names an order's payment's merchant and order, and no refunded payment", () => {
      const data = completedEventOf({ ...paymentIn('credit_pending'), merchant: { merchantId: MERCHANT_ID, orderId: ORDER_ID, refundOf: null } });
      expect(data.merchant).toEqual({ merchantId: MERCHANT_ID, orderId: ORDER_ID });
      expect(data.merchant).not.toHaveProperty('refundOf');
    });

    it("names a refund's merchant, order and the payment it refunds", () => {
      const data = completedEventOf({ ...paymentIn('credit_pending'), merchant: { merchantId: MERCHANT_ID, orderId: ORDER_ID, refundOf: ORDER_PAYMENT_ID } });
      expect(data.merchant).toEqual({ merchantId: MERCHANT_ID, orderId: ORDER_ID, refundOf: ORDER_PAYMENT_ID });
    });

    it('leaves the key out of a payment between people', () => {
      expect(completedEventOf(paymentIn('credit_pending'))).not.toHaveProperty('merchant');
    });

    it("carries it on every lifecycle event of an order's payment, not only the completed one", () => {
      const link = { merchantId: MERCHANT_ID, orderId: ORDER_ID, refundOf: null };
      const lifecycle = LEGAL.flatMap(([from, kind]) => accepted(transition({ ...paymentIn(from), merchant: link }, eventFor(kind, undefined, from))).events).filter(
        (event) => event.type.startsWith('payments.'),
      );
      expect(new Set(lifecycle.map((event) => event.type))).toEqual(
        new Set([EVENT_TYPES.PAYMENT_INITIATED, EVENT_TYPES.PAYMENT_COMPLETED, EVENT_TYPES.PAYMENT_FAILED, EVENT_TYPES.PAYMENT_REVERSED]),
      );
      for (const event of lifecycle) expect(event.data).toMatchObject({ merchant: { merchantId: MERCHANT_ID, orderId: ORDER_ID } });
    });
  });
});
