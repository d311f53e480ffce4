import { Module } from '@nestjs/common';
import { ApplyAppPresence } from './apply-app-presence/apply-app-presence.use-case';
import { ApplyRecipientPreferences } from './apply-recipient-preferences/apply-recipient-preferences.use-case';
import { IdentityEventsConsumer } from './identity-events.consumer';
import { RecipientPreferencesRepository } from './recipient-preferences.repository';
import { TypeOrmRecipientPreferencesRepository } from './typeorm-recipient-preferences.repository';

/**
 * Each user's receipt language and time zone, and whether they have the app (docs/notifications.md),
 * kept from identity's announcements on identity.events.v1. Exports the repository: receipts look
 * recipients up in it.
 */
@Module({
  controllers: [IdentityEventsConsumer],
  providers: [{ provide: RecipientPreferencesRepository, useClass: TypeOrmRecipientPreferencesRepository }, ApplyRecipientPreferences, ApplyAppPresence],
  exports: [RecipientPreferencesRepository],
})
export class RecipientPreferencesModule {}
