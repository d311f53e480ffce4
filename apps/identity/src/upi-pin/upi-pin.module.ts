import { Module } from '@nestjs/common';
import { InternalHttpClient } from '@kirim/platform';
import { HttpUpiPinBank } from './http-upi-pin-bank';
import { SetUpiPin } from './set-upi-pin/set-upi-pin.use-case';
import { UpiPinBank } from './upi-pin-bank';
import { UpiPinController } from './upi-pin.controller';

/** The UPI PIN of a linked account: set and change, routed to the account's bank (docs/upi-pin.md). */
@Module({
  controllers: [UpiPinController],
  providers: [
    { provide: UpiPinBank, useFactory: (client: InternalHttpClient) => new HttpUpiPinBank(client), inject: [InternalHttpClient] },
    SetUpiPin,
  ],
})
export class UpiPinModule {}
