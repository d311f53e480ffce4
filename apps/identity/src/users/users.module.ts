import { Module } from '@nestjs/common';
import { PaymentAddressesModule } from '../payment-addresses/payment-addresses.module';
import { TokensModule } from '../tokens/tokens.module';
import { GetProfile } from './get-profile/get-profile.handler';
import { RegisterUser } from './register-user/register-user.handler';
import { SandboxLoginGuard } from './sandbox-login.guard';
import { StartSession } from './start-session/start-session.handler';
import { UsersController } from './users.controller';

@Module({
  imports: [TokensModule, PaymentAddressesModule],
  controllers: [UsersController],
  providers: [RegisterUser, StartSession, GetProfile, SandboxLoginGuard],
})
export class UsersModule {}
