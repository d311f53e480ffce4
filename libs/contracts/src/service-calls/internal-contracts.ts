import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsDefined, IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Length, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { BankLegFields, LEG_PURPOSES, LegPurpose } from '../events/bank';
import { ENCRYPTED_PIN_PATTERN, MAX_ENCRYPTED_PIN_LENGTH } from '../trust/upi-pin';
import {
  BANK_CODE_PATTERN,
  E164_PATTERN,
  HOLDER_NAME_MAX_LENGTH,
  HOLDER_NAME_PATTERN,
  MASKED_ACCOUNT_PATTERN,
  PAYMENT_ADDRESS_PATTERN,
  PAYMENT_HANDLE_MAX_LENGTH,
  PAYMENT_HANDLE_MIN_LENGTH,
  PAYMENT_HANDLE_PATTERN,
  RRN_PATTERN,
} from '../values/identifiers';
import { MoneyDto } from '../values/money';
import { ALL_RESULT_CODES, ProblemCode, ResultCode } from '../values/result-codes';
import { AbsentWith, RequiredWithout } from '../validation';

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

// --- resolve-payment-parties-batch (identity; payments calls) ------------------------------

/** At most this many resolutions in one call: payments groups the lookups that wait while its calls are out. */
export const MAX_PARTY_RESOLUTIONS_PER_CALL = 64;

/** Several payers' resolutions in one call, answered in the order asked (identity runs them one after another). */
export class ResolvePaymentPartiesBatchRequest {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_PARTY_RESOLUTIONS_PER_CALL)
  @ValidateNested({ each: true })
  @Type(() => ResolvePaymentPartiesQuery)
  items!: ResolvePaymentPartiesQuery[];
}

/**
 * Why one resolution of a batch was refused: what resolve-payment-parties would have answered as
 * problem+json. `code` and `resultCode` are read as the single call's problem body is
 * (readInternalProblem): a code payments does not know yet fails that lookup only, not the batch.
 */
export class PartyResolutionProblem {
  @IsInt()
  @Min(400)
  @Max(499)
  status!: number;

  @IsString()
  @MaxLength(100)
  code!: ProblemCode;

  @IsString()
  @MaxLength(500)
  detail!: string;

  @IsOptional()
  @IsString()
  @MaxLength(10)
  resultCode?: ResultCode;

  /** A 429's Retry-After, in seconds. */
  @IsOptional()
  @IsInt()
  @Min(1)
  retryAfterSeconds?: number;
}

/** One resolution of a batch: exactly one of the parties and the problem. */
export class PartyResolution {
  @RequiredWithout('problem')
  @IsDefined()
  @ValidateNested()
  @Type(() => PaymentPartiesAnswer)
  parties?: PaymentPartiesAnswer;

  @AbsentWith('parties')
  @IsOptional()
  @ValidateNested()
  @Type(() => PartyResolutionProblem)
  problem?: PartyResolutionProblem;
}

export class ResolvePaymentPartiesBatchAnswer {
  @IsArray()
  @ArrayMaxSize(MAX_PARTY_RESOLUTIONS_PER_CALL)
  @ValidateNested({ each: true })
  @Type(() => PartyResolution)
  results!: PartyResolution[];
}

// --- get-sms-number (identity; notifications calls) ------------------------------------------

/** A user's phone number, for an SMS receipt: notifications sends it to its SMS provider and keeps nothing. */
export class SmsNumberAnswer {
  @IsString()
  @Matches(E164_PATTERN, { message: 'phone must be an E.164 phone number' })
  phone!: string;
}

// --- reserve-merchant-address (identity; payments calls) -------------------------------------

/**
 * A merchant's address to be held at identity. The merchant id makes a repeat recognisable: the same
 * merchant, owner and handle again is the same reservation (payments retrying after a crash), anything
 * else on that handle or a look-alike of it is refused (409 payment-address-taken / -confusable).
 */
export class ReserveMerchantAddressRequest {
  /** The user who onboards the merchant (payments authenticated them). */
  @IsUUID()
  ownerUserId!: string;

  @IsUUID()
  merchantId!: string;

  /** The handle alone (`chai.point`, not `chai.point@kirim`), as payments checked it: lowercase, within kirim's charset. */
  @IsString()
  @Length(PAYMENT_HANDLE_MIN_LENGTH, PAYMENT_HANDLE_MAX_LENGTH)
  @Matches(PAYMENT_HANDLE_PATTERN, { message: 'handle must be a lowercase kirim handle such as chai.point' })
  handle!: string;
}

export class MerchantAddressReservation {
  @IsUUID()
  merchantId!: string;

  @IsUUID()
  ownerUserId!: string;

  /** `handle@kirim`. */
  @IsString()
  @MaxLength(255)
  @Matches(PAYMENT_ADDRESS_PATTERN)
  address!: string;
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

// --- reconcile-bank-legs (bank-connector; payments calls) ------------------------------------

export const BANK_LEG_DIRECTIONS = ['debit', 'credit'] as const;
export type BankLegDirection = (typeof BANK_LEG_DIRECTIONS)[number];

/**
 * Legs one reconciliation call may name: bounded, so one call stays one short query per table, and
 * its body (about 300 bytes a leg) stays well inside the services' default 64 KiB request body limit.
 */
export const MAX_LEGS_PER_RECONCILIATION = 150;

/**
 * A leg as payments asked for it: the bank must have moved this, or nothing. Its fields are those
 * of the leg's events (BankLegFields), plus the direction the event's type gives there.
 */
export class BankLegToReconcile extends BankLegFields {
  @IsIn(BANK_LEG_DIRECTIONS)
  direction!: BankLegDirection;
}

export class ReconcileBankLegsRequest {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_LEGS_PER_RECONCILIATION)
  @ValidateNested({ each: true })
  @Type(() => BankLegToReconcile)
  legs!: BankLegToReconcile[];
}

/**
 * What the bank did with a leg:
 * - `applied`: the money moved (the sandbox ledger has the entries; a partner bank answered 00);
 * - `declined`: the bank refused it, nothing moved;
 * - `not-found`: no bank was ever sent this request id, so none can have applied it;
 * - `unknown`: sent to a partner bank that has not answered; asked again now (`statusRequested`).
 */
export const BANK_LEG_STATES = ['applied', 'declined', 'not-found', 'unknown'] as const;
export type BankLegState = (typeof BANK_LEG_STATES)[number];

/** Where the answer comes from: the sandbox ledger itself, a partner bank's answer, or nowhere yet. */
export const BANK_LEG_SOURCES = ['sandbox-ledger', 'partner-answer', 'partner-unanswered', 'none'] as const;
export type BankLegSource = (typeof BANK_LEG_SOURCES)[number];

/** The leg as the bank recorded it: what moved (applied) or what was refused (declined). */
export class RecordedBankLeg {
  @IsIn(LEG_PURPOSES)
  purpose!: LegPurpose;

  @IsIn(BANK_LEG_DIRECTIONS)
  direction!: BankLegDirection;

  @Matches(BANK_CODE_PATTERN)
  bankCode!: string;

  @IsUUID()
  accountRef!: string;

  /** For an applied sandbox leg, the sum of the ledger entries on the customer's account: what really moved. */
  @IsDefined()
  @ValidateNested()
  @Type(() => MoneyDto)
  amount!: MoneyDto;
}

export class BankLegReport {
  @IsUUID()
  requestId!: string;

  @IsUUID()
  paymentId!: string;

  @IsIn(BANK_LEG_STATES)
  state!: BankLegState;

  @IsIn(BANK_LEG_SOURCES)
  source!: BankLegSource;

  /** Absent when the bank has no record of the leg. */
  @IsOptional()
  @ValidateNested()
  @Type(() => RecordedBankLeg)
  recorded?: RecordedBankLeg;

  /** The bank's result code, once it answered. */
  @IsOptional()
  @IsIn(ALL_RESULT_CODES)
  resultCode?: ResultCode;

  @IsOptional()
  @Matches(RRN_PATTERN)
  rrn?: string;

  /** A status request (the original request again, same request id, no PIN) went to the partner bank in this call. */
  @IsBoolean()
  statusRequested!: boolean;
}

export class ReconcileBankLegsAnswer {
  /** One report per leg asked, in the order asked. */
  @IsArray()
  @ArrayMaxSize(MAX_LEGS_PER_RECONCILIATION)
  @ValidateNested({ each: true })
  @Type(() => BankLegReport)
  legs!: BankLegReport[];

  /**
   * Legs the banks recorded for the same payments that were not asked about: money a payment may
   * not know moved (a leg payments never sent, or a request id it lost).
   */
  @IsArray()
  @ArrayMaxSize(MAX_LEGS_PER_RECONCILIATION)
  @ValidateNested({ each: true })
  @Type(() => BankLegReport)
  unaskedLegs!: BankLegReport[];
}
