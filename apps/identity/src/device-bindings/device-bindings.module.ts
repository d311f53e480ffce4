import { Module } from '@nestjs/common';
import { IdentityConfig } from '../identity.config';
import { PaymentAddressesModule } from '../payment-addresses/payment-addresses.module';
import { TokensModule } from '../tokens/tokens.module';
import { AttemptCounterRepository, AttemptLimiter } from './attempt-limits';
import { BindingRevocationsController } from './binding-revocations.controller';
import { CompleteDeviceBinding } from './complete-device-binding/complete-device-binding.use-case';
import { ConfirmBindingBySms } from './confirm-binding-by-sms/confirm-binding-by-sms.use-case';
import { DEVICE_BINDING_POLICY, deviceBindingPolicy } from './device-binding-policy';
import { RefreshTokenRepository, ReplayGuard } from './device-binding.repository';
import { DeviceBindingsController } from './device-bindings.controller';
import { ListBindingRevocations } from './list-binding-revocations/list-binding-revocations.use-case';
import { RefreshSession } from './refresh-session/refresh-session.use-case';
import { RequestDeviceBinding } from './request-device-binding/request-device-binding.use-case';
import { SignOut } from './sign-out/sign-out.use-case';
import { RandomSecretGenerator, SecretGenerator } from './secret-generator';
import { SmsWebhookController } from './sms-webhook.controller';
import { SmsWebhookVerifier, StandardWebhooksSmsVerifier } from './sms-webhook-verifier';
import { TypeOrmAttemptCounterRepository, TypeOrmRefreshTokenRepository, TypeOrmReplayGuard } from './typeorm-device-binding.repository';

/** Device binding through the SMS webhook, refresh tokens, sign-out and the revocation feed (docs/device-binding.md). */
@Module({
  imports: [TokensModule, PaymentAddressesModule],
  controllers: [DeviceBindingsController, SmsWebhookController, BindingRevocationsController],
  providers: [
    RequestDeviceBinding,
    ConfirmBindingBySms,
    CompleteDeviceBinding,
    RefreshSession,
    SignOut,
    ListBindingRevocations,
    AttemptLimiter,
    { provide: RefreshTokenRepository, useClass: TypeOrmRefreshTokenRepository },
    { provide: ReplayGuard, useClass: TypeOrmReplayGuard },
    { provide: AttemptCounterRepository, useClass: TypeOrmAttemptCounterRepository },
    { provide: SecretGenerator, useClass: RandomSecretGenerator },
    { provide: SmsWebhookVerifier, inject: [IdentityConfig], useFactory: (config: IdentityConfig) => new StandardWebhooksSmsVerifier(config.SMS_WEBHOOK_SECRET) },
    { provide: DEVICE_BINDING_POLICY, inject: [IdentityConfig], useFactory: deviceBindingPolicy },
  ],
})
export class DeviceBindingsModule {}
