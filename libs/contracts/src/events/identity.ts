import { IsBoolean, IsISO8601, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { BANK_CODE_PATTERN, MASKED_ACCOUNT_PATTERN } from '../values/identifiers';
import { IsIanaTimeZone, IsLocaleTag, LOCALE_TAG_MAX_LENGTH, TIME_ZONE_MAX_LENGTH } from '../values/user-preferences';

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

/**
 * A user set their language or time zone. It carries both as they now stand (a field is absent
 * while the user has never set it), so a consumer keeps the newest event by `changedAt` and needs no
 * earlier one. No phone number and no name: a reader of receipts needs neither.
 */
export class UserPreferencesChanged {
  @IsUUID()
  userId!: string;

  /** Canonical BCP 47 tag, e.g. `hi-IN`. */
  @IsOptional()
  @IsString()
  @MaxLength(LOCALE_TAG_MAX_LENGTH)
  @IsLocaleTag()
  locale?: string;

  /** IANA time zone, e.g. `Asia/Kolkata`. */
  @IsOptional()
  @IsString()
  @MaxLength(TIME_ZONE_MAX_LENGTH)
  @IsIanaTimeZone()
  timeZone?: string;

  /** When identity stored the change; later changes of one user have later instants. */
  @IsISO8601()
  changedAt!: string;
}

/**
 * Whether a user has the app on a device: true when a device is bound, false when the last one signs
 * out. notifications sends receipts by SMS to users without it (docs/notifications.md). Consumers keep
 * the newest by `changedAt`. No phone number: notifications asks identity for it when it sends.
 */
export class UserAppPresenceChanged {
  @IsUUID()
  userId!: string;

  @IsBoolean()
  hasApp!: boolean;

  /** When identity stored the change; later changes of one user have later instants. */
  @IsISO8601()
  changedAt!: string;
}
