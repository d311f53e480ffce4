import { Module } from '@nestjs/common';
import { GetSmsNumber } from './get-sms-number/get-sms-number.use-case';
import { SmsNumbersController } from './sms-numbers.controller';

/** Users' phone numbers for SMS receipts, for notifications only (INTERNAL_OPERATIONS.GET_SMS_NUMBER). */
@Module({
  controllers: [SmsNumbersController],
  providers: [GetSmsNumber],
})
export class SmsNumbersModule {}
