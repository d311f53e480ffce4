import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsDefined, IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength, ValidateNested } from 'class-validator';
import { MoneyDto } from '../values/money';
import { ALL_RESULT_CODES, ResultCode } from '../values/result-codes';
import { BANK_CODE_PATTERN, MASKED_ACCOUNT_PATTERN, RRN_PATTERN, UPI_TXN_ID_PATTERN } from '../values/identifiers';
import { LEG_PURPOSES, LegPurpose } from './bank';
import { ENCRYPTED_PIN_PATTERN, MAX_ENCRYPTED_PIN_LENGTH } from '../trust/upi-pin';

/**
 * What kirim and a partner bank say to each other on the bank's own topic pair
 * (`partner.<bank>.requests.v1` and `partner.<bank>.responses.v1`). Every record is signed by its
 * sender (trust/record-signature.ts), and nothing that identifies a customer travels in clear:
 * account references and mobile numbers are encrypted for the bank alone (trust/bank-encryption.ts),
 * holder names for kirim alone (trust/platform-encryption.ts).
 */

/** A compact JWE (RFC 7516): five base64url parts, the second empty for direct key agreement. */
export const COMPACT_JWE_PATTERN = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** SHA-256 in base64url without padding: 43 characters. */
export const SHA256_BASE64URL_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** The longest compact JWE a request may carry: an account or a mobile number fits in far less. */
const MAX_JWE_LENGTH = 4096;

/** What the encrypted `account` of a leg request holds once the bank has decrypted it. */
export interface PartnerAccountPlaintext {
  /** The bank's own reference for the account, as it gave it in an account-lookup answer. */
  readonly accountRef: string;
}

/** What the encrypted `mobile` of an account lookup holds once the bank has decrypted it. */
export interface PartnerMobilePlaintext {
  /** E.164. */
  readonly mobile: string;
}

/**
 * kirim asks a partner bank to debit or credit one of its accounts (the record's type says which).
 * `requestId` is the idempotency key: the bank moves money at most once per requestId and answers a
 * repeat with the answer it recorded; a repeat whose content differs is refused, never answered.
 */
export class PartnerLegRequested {
  @IsUUID()
  requestId!: string;

  @IsUUID()
  paymentId!: string;

  @Matches(UPI_TXN_ID_PATTERN)
  txnId!: string;

  @IsIn(LEG_PURPOSES)
  purpose!: LegPurpose;

  /** The bank this is for; it must be the bank of the topic. */
  @Matches(BANK_CODE_PATTERN)
  bankCode!: string;

  @IsDefined()
  @ValidateNested()
  @Type(() => MoneyDto)
  amount!: MoneyDto;

  /** PartnerAccountPlaintext as a compact JWE for the bank's encryption key. */
  @IsString()
  @MaxLength(MAX_JWE_LENGTH)
  @Matches(COMPACT_JWE_PATTERN, { message: 'account must be a compact JWE' })
  account!: string;

  /**
   * On a debit: the payer's UPI PIN block as the device encrypted it for this bank's encryption key
   * (docs/upi-pin.md), passed through by kirim unopened. The bank decrypts it and checks its purpose
   * ("pay"), its age and that its amount is this debit's, then the PIN: wrong PIN ZM, tries used up
   * Z6, no PIN set U11, an unusable block U14, another amount U12, each a declined debit. Absent on
   * credits and on a status-check re-send of a debit, which the bank answers from its record; a
   * debit the bank has no record of and no PIN for is declined (U30).
   */
  @IsOptional()
  @IsString()
  @MaxLength(MAX_ENCRYPTED_PIN_LENGTH)
  @Matches(ENCRYPTED_PIN_PATTERN, { message: 'encryptedPin must be a compact JWE' })
  encryptedPin?: string;
}

/**
 * The bank's answer to a leg: it names what it answers (the type gives the direction; `amount` and
 * `accountDigest` the rest) so kirim can refuse an answer that is not about what it asked.
 * `resultCode` '00' with an `rrn` is success; anything else a decline with that code.
 */
export class PartnerLegAnswered {
  @IsUUID()
  requestId!: string;

  @IsUUID()
  paymentId!: string;

  @IsIn(LEG_PURPOSES)
  purpose!: LegPurpose;

  @Matches(BANK_CODE_PATTERN)
  bankCode!: string;

  @IsDefined()
  @ValidateNested()
  @Type(() => MoneyDto)
  amount!: MoneyDto;

  /** accountDigest(requestId, accountRef): proves which account the bank acted on without naming it. */
  @Matches(SHA256_BASE64URL_PATTERN, { message: 'accountDigest must be a base64url SHA-256 (43 characters)' })
  accountDigest!: string;

  @IsIn(ALL_RESULT_CODES)
  resultCode!: ResultCode;

  @IsOptional()
  @Matches(RRN_PATTERN)
  rrn?: string;

  @IsOptional()
  @IsString()
  @MaxLength(200)
  reason?: string;
}

/** kirim asks a partner bank which of its accounts are registered to a mobile number (UPI's ListAccount). */
export class PartnerAccountLookupRequested {
  @IsUUID()
  lookupId!: string;

  @Matches(BANK_CODE_PATTERN)
  bankCode!: string;

  /** PartnerMobilePlaintext as a compact JWE for the bank's encryption key. */
  @IsString()
  @MaxLength(MAX_JWE_LENGTH)
  @Matches(COMPACT_JWE_PATTERN, { message: 'mobile must be a compact JWE' })
  mobile!: string;
}

/**
 * What the encrypted `encryptedHolderName` of a lookup answer holds once kirim has decrypted it: the
 * holder's name as the bank registered it (at most HOLDER_NAME_MAX_LENGTH characters of
 * HOLDER_NAME_PATTERN). kirim shows it, masked, to payers before they pay (docs/payment-addresses.md).
 */
export interface PartnerHolderNamePlaintext {
  readonly holderName: string;
}

/**
 * The longest `encryptedHolderName`: a 100-character name (up to 400 UTF-8 bytes) in its JSON, with
 * a P-256 ephemeral key in the header, stays under 1,200 characters; the bound keeps a bank from
 * sending kirim something far larger to decrypt.
 */
export const MAX_ENCRYPTED_HOLDER_NAME_LENGTH = 1536;

/**
 * One account in a lookup answer: the bank's opaque reference, the number masked and the holder's
 * name encrypted for kirim alone (trust/platform-encryption.ts), nothing in clear that names a person.
 */
export class PartnerAccountSummary {
  @IsUUID()
  accountRef!: string;

  @Matches(MASKED_ACCOUNT_PATTERN)
  maskedAccountNumber!: string;

  /** PartnerHolderNamePlaintext as a compact JWE for kirim's encryption key (bank-connector's, `use: "enc"` in the platform JWKS). */
  @IsString()
  @MaxLength(MAX_ENCRYPTED_HOLDER_NAME_LENGTH)
  @Matches(COMPACT_JWE_PATTERN, { message: 'encryptedHolderName must be a compact JWE' })
  encryptedHolderName!: string;
}

/** Most accounts one lookup answer may list. */
export const MAX_LOOKUP_ACCOUNTS = 20;

export class PartnerAccountLookupAnswered {
  @IsUUID()
  lookupId!: string;

  @Matches(BANK_CODE_PATTERN)
  bankCode!: string;

  @IsArray()
  @ArrayMaxSize(MAX_LOOKUP_ACCOUNTS)
  @ValidateNested({ each: true })
  @Type(() => PartnerAccountSummary)
  accounts!: PartnerAccountSummary[];
}
