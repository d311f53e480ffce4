import { Module } from '@nestjs/common';
import { PaymentAddressesModule } from '../payment-addresses/payment-addresses.module';
import { TokensModule } from '../tokens/tokens.module';
import { GetProfile } from './get-profile/get-profile.use-case';
import { RegisterUser } from './register-user/register-user.use-case';
import { SandboxLoginGuard } from './sandbox-login.guard';
import { StartSession } from './start-session/start-session.use-case';
import { UpdatePreferences } from './update-preferences/update-preferences.use-case';
import { UsersController } from './users.controller';

@Module({
  imports: [TokensModule, PaymentAddressesModule],
  controllers: [UsersController],
  providers: [RegisterUser, StartSession, GetProfile, UpdatePreferences, SandboxLoginGuard],
})
export class UsersModule {}
