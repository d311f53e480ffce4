import { BankLegRequested, EVENT_TYPES, PAYMENT_STATUSES, PaymentLifecycleEvent, PaymentStatus, validatePayload } from '@kirim/contracts';
import { SAMPLE_PAYEE_ACCOUNT, SAMPLE_PAYER_ACCOUNT, SAMPLE_PAYMENT_ID, samplePayment } from '../testing/payment-fakes';
import { Payment } from './payment';
import { automaticNextStep, isFinal, isLegPending, PaymentEvent, PaymentEventKind, pendingLegRequest, transition, TransitionResult } from './payment-state-machine';

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
    reversal_pending: { debitRequestId: DEBIT_ID, creditRequestId: CREDIT_ID, reversalRequestId: REVERSAL_ID, resultCode: 'XI' },
    reversed: { debitRequestId: DEBIT_ID, creditRequestId: CREDIT_ID, reversalRequestId: REVERSAL_ID, resultCode: 'U31' },
  };
  return samplePayment(status, legs[status]);
}

/** An encrypted PIN as the device sends it (the state machine never opens it). */
const PIN_BLOCK = 'eyJhbGciOiJFQ0RILUVTIn0..aXY.Y2lwaGVydGV4dA.dGFn';

/** For each event, the answer the payment in `status` is waiting for (the right request id). */
function eventFor(kind: PaymentEventKind, requestId?: string): PaymentEvent {
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
];

function accepted(result: TransitionResult) {
  if (!result.ok) throw new Error(`expected acceptance, got ${result.reason}`);
  return result;
}

describe('payment state machine', () => {
  describe.each(LEGAL)('%s --%s-->', (from, kind, to) => {
    it(`moves to ${to} and publishes only valid contract payloads keyed by the payment id`, () => {
      const result = accepted(transition(paymentIn(from), eventFor(kind)));
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

  it('a declined reversal is refused as a value and leaves the payment untouched', () => {
    expect(transition(paymentIn('reversal_pending'), eventFor('reversal-declined'))).toEqual({
      ok: false,
      reason: 'reversal-declined',
      status: 'reversal_pending',
      event: 'reversal-declined',
    });
  });

  it('does not mutate the payment it is given', () => {
    const before = paymentIn('debit_pending');
    const copy = { ...before };
    transition(before, eventFor('debit-succeeded'));
    expect(before).toEqual(copy);
  });

  describe('every other (state, event) pair is refused without throwing', () => {
    const legalPairs = new Set([...LEGAL.map(([from, kind]) => `${from}|${kind}`), 'reversal_pending|reversal-declined']);
    const illegal = PAYMENT_STATUSES.flatMap((status) =>
      ALL_EVENT_KINDS.filter((kind) => !legalPairs.has(`${status}|${kind}`)).map((kind) => [status, kind] as const),
    );

    it.each(illegal)('%s + %s', (status, kind) => {
      const payment = paymentIn(status);
      const result = transition(payment, eventFor(kind));
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
      reversed: null,
    });
  });

  it('knows the final states', () => {
    expect(PAYMENT_STATUSES.filter(isFinal)).toEqual(['completed', 'debit_failed', 'reversed']);
  });

  it('knows the states that wait for a bank answer', () => {
    expect(PAYMENT_STATUSES.filter(isLegPending)).toEqual(['debit_pending', 'credit_pending', 'reversal_pending']);
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
});
