import { Logger } from '@nestjs/common';
import type { DeadLetterRecord, InboundEvent, InTransaction } from '@kirim/messaging';
import { FixedClock } from '@kirim/testing';
import type { EntityManager } from 'typeorm';
import { paymentDeadLetterHooks, paymentIdOfDeadLetter } from './payment-dead-letter-hooks';
import { FlaggedPayment, NewDeadLetterFlag, PaymentFlag, PaymentFlags } from './payment-flags.repository';

const PAYMENT = '44444444-4444-4444-8444-444444444444';
const OTHER = '55555555-5555-4555-8555-555555555555';

function deadLetter(overrides: Partial<DeadLetterRecord> = {}): DeadLetterRecord {
  return {
    id: '66666666-6666-4666-8666-666666666666',
    consumerGroup: 'kirim.payments',
    topic: 'bank.responses.v1',
    partition: 0,
    offset: '42',
    recordKey: PAYMENT,
    ceId: 'e-1',
    ceType: 'bank.credit.succeeded.v1',
    ceSource: 'kirim/bank-connector',
    ceSubject: null,
    reason: 'Error: boom',
    attempts: 3,
    replayable: true,
    event: null,
    status: 'open',
    createdAt: new Date(),
    replayedAt: null,
    replayAttempts: 0,
    lastReplayError: null,
    ...overrides,
  };
}

const event = (paymentId: unknown): InboundEvent<object> => ({ id: 'e-1', type: 'bank.credit.succeeded.v1', source: 'kirim/bank-connector', time: new Date().toISOString(), key: PAYMENT, data: { paymentId } });

class RecordingFlags extends PaymentFlags {
  readonly flagged: NewDeadLetterFlag[] = [];
  readonly cleared: string[] = [];
  async flagDeadLetteredAnswer(_tx: InTransaction, flag: NewDeadLetterFlag): Promise<void> {
    this.flagged.push(flag);
  }
  async clearForDeadLetter(_tx: InTransaction, deadLetterId: string): Promise<number> {
    this.cleared.push(deadLetterId);
    return 1;
  }
  async openFlagsFor(): Promise<PaymentFlag[]> {
    return [];
  }
  async flaggedPayments(): Promise<FlaggedPayment[]> {
    return [];
  }
}

describe('payments dead-letter hooks', () => {
  const manager = {} as EntityManager;
  beforeAll(() => Logger.overrideLogger(false));

  it("finds the payment from the validated event first, then the record key, and never from anything that is not a payment id", () => {
    expect(paymentIdOfDeadLetter(deadLetter({ recordKey: OTHER }), event(PAYMENT))).toBe(PAYMENT);
    expect(paymentIdOfDeadLetter(deadLetter(), null)).toBe(PAYMENT);
    expect(paymentIdOfDeadLetter(deadLetter({ recordKey: OTHER.toUpperCase() }), event('not-a-uuid'))).toBe(OTHER);
    expect(paymentIdOfDeadLetter(deadLetter({ recordKey: 'x' }), null)).toBeNull();
    expect(paymentIdOfDeadLetter(deadLetter({ recordKey: null }), null)).toBeNull();
  });

  it('flags the payment once per dead letter, saying what was set aside, and clears by dead letter on replay', async () => {
    const flags = new RecordingFlags();
    const clock = new FixedClock();
    const hooks = paymentDeadLetterHooks(flags, clock);
    await hooks.onDeadLettered?.(manager, deadLetter(), event(PAYMENT), 'handler-failed');
    await hooks.onDeadLettered?.(manager, deadLetter({ recordKey: 'x', replayable: false }), null, 'rejected');
    await hooks.onReplayed?.(manager, deadLetter({ status: 'replayed' }));
    expect(flags.flagged).toEqual([
      { paymentId: PAYMENT, deadLetterId: '66666666-6666-4666-8666-666666666666', detail: 'bank.credit.succeeded.v1 dead-lettered after 3 attempt(s); replayable once the cause is fixed', at: clock.now() },
    ]);
    expect(flags.cleared).toEqual(['66666666-6666-4666-8666-666666666666']);
  });

  it('flags a refused answer, but not a copy of an answer already applied (the bank relay sending a batch again)', async () => {
    const flags = new RecordingFlags();
    const hooks = paymentDeadLetterHooks(flags, new FixedClock());
    await hooks.onDeadLettered?.(manager, deadLetter({ replayable: false }), event(PAYMENT), 'duplicate-of-applied');
    expect(flags.flagged).toEqual([]);
    await hooks.onDeadLettered?.(manager, deadLetter({ replayable: false }), event(PAYMENT), 'refused');
    expect(flags.flagged).toEqual([expect.objectContaining({ paymentId: PAYMENT, detail: expect.stringContaining('not replayable (refused)') })]);
  });
});
