import { Module } from '@nestjs/common';
import { IdentityConfig } from '../identity.config';
import { PAYEE_LOOKUP_BUCKET_POLICY, PayeeLookupBucketPolicy } from './payee-lookup-bucket';
import { PayeeLookupBucketRepository } from './payee-lookup-bucket.repository';
import { PayeesController } from './payees.controller';
import { ResolvePayee } from './resolve-payee/resolve-payee.use-case';
import { TypeOrmPayeeLookupBucketRepository } from './typeorm-payee-lookup-bucket.repository';

/** Payee resolution (GET /v1/payees) and its anti-scan buckets. */
@Module({
  controllers: [PayeesController],
  providers: [
    { provide: PayeeLookupBucketRepository, useClass: TypeOrmPayeeLookupBucketRepository },
    {
      provide: PAYEE_LOOKUP_BUCKET_POLICY,
      inject: [IdentityConfig],
      useFactory: (config: IdentityConfig): PayeeLookupBucketPolicy => ({
        capacity: config.PAYEE_LOOKUP_BUCKET_CAPACITY,
        refillPerMinute: config.PAYEE_LOOKUP_REFILL_PER_MINUTE,
        hitCost: config.PAYEE_LOOKUP_HIT_COST,
        missCost: config.PAYEE_LOOKUP_MISS_COST,
      }),
    },
    ResolvePayee,
  ],
  // The same bucket pays for the payee lookups payments makes on the payer's behalf (payment-parties).
  exports: [PayeeLookupBucketRepository, PAYEE_LOOKUP_BUCKET_POLICY],
})
export class PayeesModule {}
