import { Module } from '@nestjs/common';
import { MessageTrustConfig } from '@kirim/messaging';
import { loadConfig } from '@kirim/platform';
import { KafkaPartnerAdapter } from '../adapters/kafka-partner/kafka-partner.adapter';
import { BankAccountsModule } from '../bank-accounts/bank-accounts.module';
import { ApplyPartnerAnswer } from './apply-partner-answer/apply-partner-answer.use-case';
import { PartnerLegRepository } from './partner-leg.repository';
import { PartnerResponsesConsumer } from './partner-responses.consumer';
import { PlatformSigningKeysController } from './platform-signing-keys.controller';
import { TypeOrmPartnerLegRepository } from './typeorm-partner-leg.repository';

/** Partner banks over Kafka: their legs, their answers, and the keys they verify kirim with. */
@Module({
  imports: [BankAccountsModule],
  controllers: [PartnerResponsesConsumer, PlatformSigningKeysController],
  providers: [
    KafkaPartnerAdapter,
    ApplyPartnerAnswer,
    { provide: PartnerLegRepository, useClass: TypeOrmPartnerLegRepository },
    { provide: MessageTrustConfig, useFactory: () => loadConfig(MessageTrustConfig) },
  ],
  // Reconciliation reads the partner legs through their repository (TypeOrmBankLegRecords).
  exports: [KafkaPartnerAdapter, PartnerLegRepository],
})
export class PartnerBanksModule {}
