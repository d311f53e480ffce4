import { Global, Module } from '@nestjs/common';
import { PlatformDecryptionKeys } from '@kirim/contracts';
import { MessageTrustConfig } from '@kirim/messaging';
import { loadConfig } from '@kirim/platform';
import { BankConnectorConfig } from '../bank-connector.config';
import { loadPartnerRegistry, PartnerRegistry } from './partner-registry';
import { loadPlatformDecryptionKeys } from './platform-decryption-keys';

/**
 * The partner registry, loaded and checked once at boot; global, as messaging needs it too (topics,
 * keys). Beside it, bank-connector's private encryption keys: what partner banks encrypt holder
 * names for (docs/message-signing.md), checked against the platform JWKS that publishes them.
 */
@Global()
@Module({
  providers: [
    { provide: PartnerRegistry, inject: [BankConnectorConfig], useFactory: (config: BankConnectorConfig) => loadPartnerRegistry(config) },
    {
      provide: PlatformDecryptionKeys,
      inject: [BankConnectorConfig, PartnerRegistry],
      useFactory: (config: BankConnectorConfig, registry: PartnerRegistry) =>
        loadPlatformDecryptionKeys({ dir: config.MESSAGE_DECRYPTION_KEYS_DIR, platformJwksFile: loadConfig(MessageTrustConfig).MESSAGE_TRUSTED_KEYS_FILE, partnerBankCodes: registry.bankCodes() }),
    },
  ],
  exports: [PartnerRegistry, PlatformDecryptionKeys],
})
export class PartnerRegistryModule {}
