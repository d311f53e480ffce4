import { DynamicModule, Module } from '@nestjs/common';
import { loadConfig } from '../config/load-config';
import { DataEncryptionConfig } from './data-encryption.config';
import { FieldEncryption } from './field-encryption';
import { LookupHasher } from './lookup-hash';

/**
 * FieldEncryption and LookupHasher for a whole service, from DATA_ENCRYPTION_KEYS,
 * DATA_ENCRYPTION_ACTIVE_KEY_ID and DATA_LOOKUP_KEY, validated when the module is built (a bad key
 * stops the boot with the variable's name). Only repository adapters inject them: use cases see
 * clear values and never know a column is encrypted.
 */
@Module({})
export class DataEncryptionModule {
  static forRoot(env?: NodeJS.ProcessEnv): DynamicModule {
    return {
      module: DataEncryptionModule,
      global: true,
      providers: [
        { provide: DataEncryptionConfig, useFactory: () => loadConfig(DataEncryptionConfig, env) },
        { provide: FieldEncryption, inject: [DataEncryptionConfig], useFactory: (config: DataEncryptionConfig) => FieldEncryption.fromConfig(config) },
        { provide: LookupHasher, inject: [DataEncryptionConfig], useFactory: (config: DataEncryptionConfig) => LookupHasher.fromConfig(config) },
      ],
      exports: [FieldEncryption, LookupHasher],
    };
  }
}
