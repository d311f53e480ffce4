import { Module } from '@nestjs/common';
import { PaymentsConfig, schemeProfile } from '../payments.config';
import { PayerUsageRepository } from './payer-usage.repository';
import { SCHEME_PROFILE } from './scheme-profile';
import { TypeOrmPayerUsageRepository } from './typeorm-payer-usage.repository';

/** The scheme profile the service runs (validated at boot) and the payer usage its limits read. */
@Module({
  providers: [
    { provide: SCHEME_PROFILE, inject: [PaymentsConfig], useFactory: schemeProfile },
    { provide: PayerUsageRepository, useClass: TypeOrmPayerUsageRepository },
  ],
  exports: [SCHEME_PROFILE, PayerUsageRepository],
})
export class LimitsModule {}
