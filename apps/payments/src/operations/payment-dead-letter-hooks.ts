import { Logger } from '@nestjs/common';
import type { DeadLetterHooks, DeadLetterRecord, InboundEvent } from '@kirim/messaging';
import type { Clock } from '@kirim/platform';
import type { PaymentFlags } from './payment-flags.repository';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The payment a dead-lettered bank answer belongs to: the validated event's paymentId, or for a
 * record refused before it was decoded, its record key (payments' messages are keyed by payment id).
 * Null when neither is a payment id.
 */
export function paymentIdOfDeadLetter(deadLetter: DeadLetterRecord, event: InboundEvent<object> | null): string | null {
  const fromEvent = (event?.data as { paymentId?: unknown } | undefined)?.paymentId;
  if (typeof fromEvent === 'string' && UUID.test(fromEvent)) return fromEvent.toLowerCase();
  if (deadLetter.recordKey !== null && UUID.test(deadLetter.recordKey)) return deadLetter.recordKey.toLowerCase();
  return null;
}

/**
 * payments' dead-letter hooks (MessagingModule `deadLetterHooks`): a bank answer that is
 * dead-lettered (other than a copy of one already applied) flags its payment for an operator (in payment_flags, beside the payment: its own row
 * may be what failed), and replaying it clears the flag. Both run in the messaging layer's
 * transaction, so the flag and the dead letter commit together. Nothing here throws for a dead letter
 * it cannot place: that would make the consumer retry the whole chunk.
 */
export function paymentDeadLetterHooks(flags: PaymentFlags, clock: Clock): DeadLetterHooks {
  const logger = new Logger('PaymentDeadLetters');
  return {
    async onDeadLettered(manager, deadLetter, event, cause) {
      // A copy of an answer already applied (the bank's relay sending a batch again after a crash,
      // or a replay): the original moved the payment on, so nothing waits on an operator. The
      // messaging layer has already stored and alerted it.
      if (cause === 'duplicate-of-applied') return;
      const paymentId = paymentIdOfDeadLetter(deadLetter, event);
      if (paymentId === null) {
        logger.error({ deadLetterId: deadLetter.id, ceType: deadLetter.ceType }, 'dead-lettered record names no payment: nothing flagged');
        return;
      }
      const detail = `${deadLetter.ceType ?? 'an unreadable record'} dead-lettered after ${deadLetter.attempts} attempt(s)${deadLetter.replayable ? '; replayable once the cause is fixed' : '; not replayable (refused)'}`;
      await flags.flagDeadLetteredAnswer({ manager }, { paymentId, deadLetterId: deadLetter.id, detail, at: clock.now() });
      logger.warn({ paymentId, deadLetterId: deadLetter.id, ceType: deadLetter.ceType }, 'payment flagged: a bank answer for it was dead-lettered');
    },
    async onReplayed(manager, deadLetter) {
      const cleared = await flags.clearForDeadLetter({ manager }, deadLetter.id, clock.now());
      if (cleared > 0) logger.log({ deadLetterId: deadLetter.id, cleared }, 'payment flag cleared: its dead-lettered answer was replayed');
    },
  };
}
