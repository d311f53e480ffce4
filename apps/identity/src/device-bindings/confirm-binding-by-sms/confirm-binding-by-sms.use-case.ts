import { Inject, Injectable, Logger } from '@nestjs/common';
import { BINDING_TOKEN_PATTERN, ReceivedSms } from '@kirim/contracts';
import { TransactionRunner } from '@kirim/messaging';
import { Clock } from '@kirim/platform';
import { maskPhone } from '../device-binding';
import { DEVICE_BINDING_POLICY, DeviceBindingPolicy } from '../device-binding-policy';
import { DeviceBindingRepository, ReplayGuard } from '../device-binding.repository';
import { hashSecret } from '../secret-generator';

export interface ConfirmBindingBySmsCommand {
  /** The Standard Webhooks webhook-id, already authenticated by its signature. */
  readonly webhookId: string;
  readonly sms: ReceivedSms;
}

export type ConfirmBindingBySmsRefusal = 'webhook-replayed' | 'binding-token-invalid' | 'sms-sender-mismatch';

export type ConfirmBindingBySmsResult = { readonly ok: true; readonly bindingId: string } | { readonly ok: false; readonly code: ConfirmBindingBySmsRefusal };

/**
 * Step 2: the SMS provider reports an SMS to the virtual number. It confirms the binding whose
 * token it carries if it came from that binding's phone number: the mobile network vouches for
 * the sender, and only the SIM of that number can send as it. Every refusal changes nothing.
 */
@Injectable()
export class ConfirmBindingBySms {
  private readonly logger = new Logger(ConfirmBindingBySms.name);

  constructor(
    private readonly transactions: TransactionRunner,
    private readonly bindings: DeviceBindingRepository,
    private readonly replays: ReplayGuard,
    private readonly clock: Clock,
    @Inject(DEVICE_BINDING_POLICY) private readonly policy: DeviceBindingPolicy,
  ) {}

  async execute(command: ConfirmBindingBySmsCommand): Promise<ConfirmBindingBySmsResult> {
    const now = this.clock.now();
    const token = command.sms.text.trim();
    const result = await this.transactions.run(async (tx): Promise<ConfirmBindingBySmsResult> => {
      if (await this.replays.hasWebhook(tx, command.webhookId)) return { ok: false, code: 'webhook-replayed' };
      // An SMS to another number, or without a token, is not a binding SMS: nothing to confirm.
      if (command.sms.to !== this.policy.smsVirtualNumber || !BINDING_TOKEN_PATTERN.test(token)) return { ok: false, code: 'binding-token-invalid' };
      const binding = await this.bindings.lockByTokenHash(tx, hashSecret(token));
      if (!binding || binding.status !== 'pending' || binding.expiresAt.getTime() <= now.getTime()) return { ok: false, code: 'binding-token-invalid' };
      if (binding.phone !== command.sms.from) return { ok: false, code: 'sms-sender-mismatch' };
      // Recorded last, so a refusal above writes nothing; false here is a concurrent duplicate.
      if (!(await this.replays.recordWebhook(tx, command.webhookId, now))) return { ok: false, code: 'webhook-replayed' };
      await this.bindings.markConfirmed(tx, binding.id, now);
      return { ok: true, bindingId: binding.id };
    });
    if (result.ok) this.logger.log({ bindingId: result.bindingId }, 'device binding confirmed by SMS');
    else this.logger.warn({ webhookId: command.webhookId, from: maskPhone(command.sms.from), refusal: result.code }, 'binding SMS refused');
    return result;
  }
}
