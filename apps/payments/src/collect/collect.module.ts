import { Module } from '@nestjs/common';
import { LimitsModule } from '../limits/limits.module';
import { MerchantModule } from '../merchant/merchant.module';
import { PaymentModule } from '../payment/payment.module';
import { ApproveCollectRequestUseCase } from './approve-collect-request/approve-collect-request.use-case';
import { CollectRequestRepository } from './collect-request.repository';
import { CollectRequestsController } from './collect-requests.controller';
import { CreateCollectRequestUseCase } from './create-collect-request/create-collect-request.use-case';
import { DeclineCollectRequestUseCase } from './decline-collect-request/decline-collect-request.use-case';
import { COLLECT_EXPIRY_INTERVAL_MS, CollectExpiryPoller, DEFAULT_COLLECT_EXPIRY_INTERVAL_MS } from './expire-collect-requests/collect-expiry-poller';
import { ExpireCollectRequestsUseCase } from './expire-collect-requests/expire-collect-requests.use-case';
import { GetCollectRequestUseCase } from './get-collect-request/get-collect-request.use-case';
import { ListPendingCollectRequestsUseCase } from './list-pending-collect-requests/list-pending-collect-requests.use-case';
import { MerchantKeyOrUserGuard } from './merchant-key-or-user.guard';
import { TypeOrmCollectRequestRepository } from './typeorm-collect-request.repository';

/**
 * Collect requests (docs/merchants.md, "Collect requests"): a merchant, or a user where the scheme
 * profile allows it, asks a customer to pay; the customer approves with the UPI PIN (paid as the
 * merchant's order, through MerchantModule's PayMerchantOrderUseCase, or as a P2P payment through
 * PaymentModule's InitiatePaymentUseCase) or declines; the expiry poller writes the unanswered ones
 * expired (U69).
 */
@Module({
  imports: [LimitsModule, PaymentModule, MerchantModule],
  controllers: [CollectRequestsController],
  providers: [
    CreateCollectRequestUseCase,
    GetCollectRequestUseCase,
    ListPendingCollectRequestsUseCase,
    ApproveCollectRequestUseCase,
    DeclineCollectRequestUseCase,
    ExpireCollectRequestsUseCase,
    // The expiry timer: started at bootstrap, stopped at shutdown.
    CollectExpiryPoller,
    MerchantKeyOrUserGuard,
    { provide: CollectRequestRepository, useClass: TypeOrmCollectRequestRepository },
    { provide: COLLECT_EXPIRY_INTERVAL_MS, useValue: DEFAULT_COLLECT_EXPIRY_INTERVAL_MS },
  ],
})
export class CollectModule {}
