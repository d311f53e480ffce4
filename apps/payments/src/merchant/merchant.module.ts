import { Module } from '@nestjs/common';
import { InternalHttpClient } from '@kirim/platform';
import { LimitsModule } from '../limits/limits.module';
import { PaymentModule } from '../payment/payment.module';
import { AuthenticateMerchantApiKeyUseCase } from './authenticate-merchant-api-key/authenticate-merchant-api-key.use-case';
import { CreateMerchantApiKeyUseCase } from './create-merchant-api-key/create-merchant-api-key.use-case';
import { CreateMerchantOrderUseCase } from './create-merchant-order/create-merchant-order.use-case';
import { GetMerchantUseCase } from './get-merchant/get-merchant.use-case';
import { GetMerchantOrderUseCase } from './get-merchant-order/get-merchant-order.use-case';
import { GetMerchantRefundUseCase } from './get-merchant-refund/get-merchant-refund.use-case';
import { ListMerchantApiKeysUseCase } from './list-merchant-api-keys/list-merchant-api-keys.use-case';
import { ListMerchantPaymentsUseCase } from './list-merchant-payments/list-merchant-payments.use-case';
import { HttpMerchantAddressRegistry } from './http-merchant-address-registry';
import { MerchantAddressRegistry } from './merchant-address-registry';
import { MerchantApiKeySource, RandomMerchantApiKeySource } from './merchant-api-key';
import { MerchantApiKeyGuard } from './merchant-api-key.guard';
import { MerchantOrderRepository } from './merchant-order.repository';
import { MerchantOrdersController } from './merchant-orders.controller';
import { MerchantRepository } from './merchant.repository';
import { MerchantsController } from './merchants.controller';
import { OnboardMerchantUseCase } from './onboard-merchant/onboard-merchant.use-case';
import { PayMerchantOrderUseCase } from './pay-merchant-order/pay-merchant-order.use-case';
import { RefundMerchantOrderUseCase } from './refund-merchant-order/refund-merchant-order.use-case';
import { RevokeMerchantApiKeyUseCase } from './revoke-merchant-api-key/revoke-merchant-api-key.use-case';
import { TypeOrmMerchantOrderRepository } from './typeorm-merchant-order.repository';
import { TypeOrmMerchantRepository } from './typeorm-merchant.repository';

/**
 * Merchants (docs/merchants.md): onboarding, API keys, orders paid by customers in the chat, and
 * refunds. Orders' payments and refunds are payments, made through PaymentModule's transition step.
 */
@Module({
  imports: [LimitsModule, PaymentModule],
  controllers: [MerchantsController, MerchantOrdersController],
  providers: [
    OnboardMerchantUseCase,
    GetMerchantUseCase,
    CreateMerchantApiKeyUseCase,
    ListMerchantApiKeysUseCase,
    RevokeMerchantApiKeyUseCase,
    AuthenticateMerchantApiKeyUseCase,
    MerchantApiKeyGuard,
    CreateMerchantOrderUseCase,
    GetMerchantOrderUseCase,
    PayMerchantOrderUseCase,
    RefundMerchantOrderUseCase,
    GetMerchantRefundUseCase,
    ListMerchantPaymentsUseCase,
    { provide: MerchantRepository, useClass: TypeOrmMerchantRepository },
    { provide: MerchantOrderRepository, useClass: TypeOrmMerchantOrderRepository },
    { provide: MerchantApiKeySource, useClass: RandomMerchantApiKeySource },
    // identity holds merchants' addresses too (reserve-merchant-address), asked with payments' service token.
    { provide: MerchantAddressRegistry, inject: [InternalHttpClient], useFactory: (client: InternalHttpClient) => new HttpMerchantAddressRegistry(client) },
  ],
  // Collect requests (apps/payments/src/collect) are paid as orders, on the merchant API's keys.
  exports: [MerchantRepository, MerchantOrderRepository, PayMerchantOrderUseCase, AuthenticateMerchantApiKeyUseCase, MerchantApiKeyGuard],
})
export class MerchantModule {}
