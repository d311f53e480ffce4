import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import type { DiscoverableBankAccount } from './bank-account-directory';
import type { LinkedBankAccount } from './linked-bank-account';

export class LinkBankAccountRequest {
  @ApiProperty({ format: 'uuid', description: 'accountRef of an account from GET /v1/me/bank-accounts/discoverable' })
  @IsUUID()
  accountRef!: string;
}

/** The holder name is the caller's own; it is kept for payee resolution and not echoed here. */
export class DiscoverableBankAccountResponse implements Omit<DiscoverableBankAccount, 'holderName'> {
  @ApiProperty({ format: 'uuid' })
  accountRef!: string;

  @ApiProperty({ example: 'SBXA' })
  bankCode!: string;

  @ApiProperty({ example: 'Sandbox Bank A' })
  bankName!: string;

  @ApiProperty({ example: 'XXXXXXXX1234' })
  maskedAccountNumber!: string;
}

export class LinkedBankAccountResponse {
  @ApiProperty({ format: 'uuid' })
  linkedAccountId!: string;

  @ApiProperty({ example: 'SBXA' })
  bankCode!: string;

  @ApiProperty({ format: 'uuid', description: "bank-connector's opaque reference to the account" })
  accountRef!: string;

  @ApiProperty({ example: 'XXXXXXXX1234' })
  maskedAccountNumber!: string;

  @ApiProperty()
  isPrimary!: boolean;

  @ApiProperty({ format: 'date-time' })
  linkedAt!: string;
}

export function toLinkedBankAccountResponse(account: LinkedBankAccount): LinkedBankAccountResponse {
  return {
    linkedAccountId: account.id,
    bankCode: account.bankCode,
    accountRef: account.accountRef,
    maskedAccountNumber: account.maskedAccountNumber,
    isPrimary: account.isPrimary,
    linkedAt: account.linkedAt.toISOString(),
  };
}
