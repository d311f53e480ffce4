import { Controller } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import { BankAccountLinked, EVENT_TYPES, UserAppPresenceChanged, UserPreferencesChanged, UserRegistered } from '@kirim/contracts';
import type { InboundEvent, InboundMessageContext } from '@kirim/messaging';
import { ApplyAppPresence } from './apply-app-presence/apply-app-presence.use-case';
import { ApplyRecipientPreferences } from './apply-recipient-preferences/apply-recipient-preferences.use-case';

/**
 * Every event type on identity.events.v1 has exactly one handler here (the transport refuses to
 * start otherwise). notifications reads the topic for users' language and time zone, and whether
 * they have the app (receipts go by SMS to those without it).
 */
@Controller()
export class IdentityEventsConsumer {
  constructor(
    private readonly applyRecipientPreferences: ApplyRecipientPreferences,
    private readonly applyAppPresence: ApplyAppPresence,
  ) {}

  @EventPattern(EVENT_TYPES.USER_PREFERENCES_CHANGED)
  async onUserPreferencesChanged(@Payload() event: InboundEvent<UserPreferencesChanged>, @Ctx() ctx: InboundMessageContext): Promise<void> {
    await this.applyRecipientPreferences.execute(ctx.tx, { preferences: event.data });
  }

  @EventPattern(EVENT_TYPES.USER_APP_PRESENCE_CHANGED)
  async onUserAppPresenceChanged(@Payload() event: InboundEvent<UserAppPresenceChanged>, @Ctx() ctx: InboundMessageContext): Promise<void> {
    await this.applyAppPresence.execute(ctx.tx, { presence: event.data });
  }

  /** Nothing to do: a new user has no receipts yet, and one without preferences reads en-IN in Asia/Kolkata. */
  @EventPattern(EVENT_TYPES.USER_REGISTERED)
  async onUserRegistered(@Payload() _event: InboundEvent<UserRegistered>, @Ctx() _ctx: InboundMessageContext): Promise<void> {
    return;
  }

  /** Nothing to do: receipts name no bank account. */
  @EventPattern(EVENT_TYPES.BANK_ACCOUNT_LINKED)
  async onBankAccountLinked(@Payload() _event: InboundEvent<BankAccountLinked>, @Ctx() _ctx: InboundMessageContext): Promise<void> {
    return;
  }
}
