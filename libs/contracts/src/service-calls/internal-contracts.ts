import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsDefined, IsIn, IsISO8601, IsOptional, IsString, IsUUID, Length, Matches, MaxLength, ValidateNested } from 'class-validator';
import { ENCRYPTED_PIN_PATTERN, MAX_ENCRYPTED_PIN_LENGTH } from '../trust/upi-pin';
import { BANK_CODE_PATTERN, E164_PATTERN, HOLDER_NAME_MAX_LENGTH, HOLDER_NAME_PATTERN, MASKED_ACCOUNT_PATTERN, PAYMENT_ADDRESS_PATTERN } from '../values/identifiers';

/*
 * The bodies of the internal operations (service-calls.ts), validated on both sides: the answering
 * service's DTOs extend these classes (adding only their OpenAPI description), and the caller's
 * InternalHttpClient validates every answer against them before reading it.
 */

// --- discover-bank-accounts (bank-connector; identity calls) ---------------------------------

export class DiscoverBankAccountsQuery {
  @IsString()
  @Matches(E164_PATTERN, { message: 'mobile must be an E.164 phone number such as +919800000001' })
  mobile!: string;
}

export class DiscoveredBankAccount {
  @IsUUID()
  accountRef!: string;

  @Matches(BANK_CODE_PATTERN)
  bankCode!: string;

  @IsString()
  @MaxLength(120)
  bankName!: string;

  @Matches(MASKED_ACCOUNT_PATTERN)
  maskedAccountNumber!: string;

  /** The bank-registered name; identity shows it masked to payers. */
  @IsString()
  @Length(1, HOLDER_NAME_MAX_LENGTH)
  @Matches(HOLDER_NAME_PATTERN)
  holderName!: string;
}

/** Wrapped in an object, so the answer can grow (e.g. banks that did not answer in time) without breaking callers. */
export class DiscoverBankAccountsAnswer {
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => DiscoveredBankAccount)
  accounts!: DiscoveredBankAccount[];
}

// --- set-sandbox-upi-pin (bank-connector; identity calls) ------------------------------------

export class SetUpiPinRequest {
  @IsString()
  @MaxLength(MAX_ENCRYPTED_PIN_LENGTH)
  @Matches(ENCRYPTED_PIN_PATTERN, { message: 'encryptedPin must be a compact JWE (the PIN block encrypted for the bank)' })
  encryptedPin!: string;
}

export class SetUpiPinAnswer {
  @IsIn(['set', 'changed'])
  change!: 'set' | 'changed';
}

// --- resolve-payment-parties (identity; payments calls) --------------------------------------

/** Exactly one of payeePhone and payeeAddress; identity answers 400 to both or neither. */
export class ResolvePaymentPartiesQuery {
  /** The payer is the user payments authenticated; payments names it, identity trusts the service, not a header. */
  @IsUUID()
  payerUserId!: string;

  @IsOptional()
  @IsString()
  @Matches(E164_PATTERN, { message: 'payeePhone must be an E.164 phone number, e.g. +919876543210' })
  payeePhone?: string;

  @IsOptional()
  @IsString()
  @MaxLength(255)
  @Matches(PAYMENT_ADDRESS_PATTERN, { message: 'payeeAddress must be a payment address handle@psp' })
  payeeAddress?: string;
}

export class PayerParty {
  @IsUUID()
  userId!: string;

  @Matches(BANK_CODE_PATTERN)
  bankCode!: string;

  @IsUUID()
  accountRef!: string;
}

export class PayeeParty extends PayerParty {
  @IsString()
  @MaxLength(100)
  displayName!: string;
}

export class PaymentPartiesAnswer {
  // ValidateNested alone lets a missing object through.
  @IsDefined()
  @ValidateNested()
  @Type(() => PayerParty)
  payer!: PayerParty;

  @IsDefined()
  @ValidateNested()
  @Type(() => PayeeParty)
  payee!: PayeeParty;
}

// --- list-device-binding-revocations (identity; payments and notifications call) -----------

export class DeviceBindingRevocationsQuery {
  /** The cursor of the previous page (absent on the first read). */
  @IsOptional()
  @Matches(/^\d{1,19}$/, { message: 'after must be a cursor from a previous page' })
  after?: string;

  @IsOptional()
  @Matches(/^(?:[1-9]\d{0,2}|1000)$/, { message: 'limit must be between 1 and 1000' })
  limit?: string;
}

export class DeviceBindingRevocation {
  @IsUUID()
  bindingId!: string;

  @IsISO8601({ strict: true })
  revokedAt!: string;
}

export class DeviceBindingRevocationsPage {
  @IsArray()
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => DeviceBindingRevocation)
  revocations!: DeviceBindingRevocation[];

  /** Opaque position to ask after next time. */
  @Matches(/^\d{1,19}$/)
  cursor!: string;

  @IsBoolean()
  hasMore!: boolean;
}
