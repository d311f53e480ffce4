import { IsISO8601, IsUUID, Matches } from 'class-validator';
import { BANK_CODE_PATTERN, MASKED_ACCOUNT_PATTERN } from '../values/identifiers';

/** A user registered. The phone number is personal data and stays inside identity. */
export class UserRegistered {
  @IsUUID()
  userId!: string;

  @IsISO8601()
  registeredAt!: string;
}

/** A user linked a bank account; only the masked number leaves identity. */
export class BankAccountLinked {
  @IsUUID()
  userId!: string;

  @IsUUID()
  linkedAccountId!: string;

  @Matches(BANK_CODE_PATTERN)
  bankCode!: string;

  @Matches(MASKED_ACCOUNT_PATTERN)
  maskedAccountNumber!: string;

  @IsISO8601()
  linkedAt!: string;
}
