import { Global, Module } from '@nestjs/common';
import { BankConnectorConfig } from '../bank-connector.config';
import { loadPartnerRegistry, PartnerRegistry } from './partner-registry';

/** The partner registry, loaded and checked once at boot; global, as messaging needs it too (topics, keys). */
@Global()
@Module({
  providers: [{ provide: PartnerRegistry, inject: [BankConnectorConfig], useFactory: (config: BankConnectorConfig) => loadPartnerRegistry(config) }],
  exports: [PartnerRegistry],
})
export class PartnerRegistryModule {}
