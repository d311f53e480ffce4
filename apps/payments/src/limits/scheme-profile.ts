import { readFileSync } from 'node:fs';
import { plainToInstance, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsDefined,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
  ValidationError,
  validateSync,
} from 'class-validator';
import { ALL_RESULT_CODES, Currency, DECIMAL_AMOUNT_PATTERN, FreshnessWindow, Money, RESULT_CODES, ResultCode, SUPPORTED_CURRENCIES } from '@kirim/contracts';
import { ConfigError } from '@kirim/platform';
import UPI_PROFILE from './scheme-profiles/upi.json';

/**
 * A scheme profile: the payment rules of one scheme (UPI, later Pix or BI-FAST) as data, validated
 * at boot. Code asks the profile; another scheme is another JSON file, not another code path
 * (docs/limits-and-scheme-profiles.md).
 */
export interface SchemeProfile {
  readonly name: string;
  readonly currency: Currency;
  /** Per payment, minor units. */
  readonly perPaymentMaxMinor: bigint;
  /** The rolling window of the per-payer amount and count limits. */
  readonly rollingWindowMs: number;
  readonly rollingWindowMaxAmountMinor: bigint;
  readonly rollingWindowMaxCount: number;
  /** How long after a device is bound the cooling limit applies; 0 turns it off. */
  readonly coolingPeriodMs: number;
  readonly coolingPeriodMaxAmountMinor: bigint;
  /** The IANA time zone the scheme counts its days in (RBI's T+1 for UPI: India, Asia/Kolkata). */
  readonly timeZone: string;
  readonly timeouts: SchemeTimeouts;
  readonly statusChecks: StatusCheckPacing;
  readonly deemedOutcomes: DeemedOutcomes;
  readonly reversals: ReversalRules;
  /**
   * The merchant categories merchants may be onboarded with, and what a payment to each may be
   * (docs/merchants.md). Empty when the profile lists none: no merchant can be onboarded then.
   */
  readonly merchantCategories: readonly MerchantCategoryGroup[];
  readonly merchantOrders: MerchantOrderRules;
  readonly collect: CollectRules;
}

/** A group of merchant category codes sharing a per-payment cap (NPCI sets its enhanced caps by MCC). */
export interface MerchantCategoryGroup {
  readonly name: string;
  /** ISO 18245 merchant category codes: four digits each, in one group only. */
  readonly codes: readonly string[];
  /** Per payment to a merchant of the group, minor units. */
  readonly perPaymentMaxMinor: bigint;
  /**
   * Per payment to a VERIFIED merchant of the group (NPCI grants its enhanced caps to "verified
   * merchants" only, after the acquirer's due diligence); null: verification changes nothing.
   */
  readonly verifiedPerPaymentMaxMinor: bigint | null;
}

/** How long a merchant's order can be paid: the default, and the longest a merchant may ask for. */
export interface MerchantOrderRules {
  readonly defaultExpiryMs: number;
  readonly maxExpiryMs: number;
}

/**
 * Collect requests: a payee asking a payer to pay, approved by the payer with the UPI PIN
 * (docs/merchants.md, "Collect requests").
 */
export interface CollectRules {
  /**
   * How long a merchant's collect request waits for the customer's answer: the default and the
   * shortest and longest a merchant may ask for. UPI: 30 min by default (UPI's own default
   * `expireAfter`); UPI allows up to 45 days, kirim caps it at a day as it does orders.
   */
  readonly merchantExpiry: CollectExpiryRules;
  /** A user asking another user to pay (docs/merchants.md, "Between people"). */
  readonly p2p: P2pCollectRules;
}

/** How long a collect request may wait for its answer: the default, and the shortest and longest one may ask for. */
export interface CollectExpiryRules {
  readonly defaultMs: number;
  readonly minMs: number;
  readonly maxMs: number;
}

/** Collect requests between people: the switch, and what a request may be once it is on. */
export interface P2pCollectRules {
  /**
   * Whether a user may ask another user to pay. UPI: false, as NPCI stopped person-to-person collect
   * requests from 1 October 2025 (they were the favourite tool of fraud: a "request" the victim
   * approved thinking they were receiving money).
   */
  readonly enabled: boolean;
  /**
   * The most one request may ask for, minor units: NPCI capped a P2P collect request at ₹2,000 while
   * UPI had them. Within `perPaymentMaxMinor` (its payment is a P2P payment), checked at boot.
   */
  readonly maxAmountMinor: bigint;
  readonly expiry: CollectExpiryRules;
}

/** The scheme's request timeouts (NPCI 2025: pay 15 s, check-status 10 s). */
export interface SchemeTimeouts {
  /** How long the scheme gives a pay (debit or credit) request: no status check asks before it is up. */
  readonly payLegMs: number;
  /** How long the scheme gives a status check's answer: checks are spaced at least this far apart. */
  readonly statusCheckMs: number;
}

/**
 * When a leg whose answer has not come is checked on (a status check re-sends its command
 * unchanged). NPCI 2025: the first check 45 to 90 s after the request, at most 3 within 2 hours.
 */
export interface StatusCheckPacing {
  /** The first check comes this long after the leg's request, spread per leg between min and max. */
  readonly firstAfterMinMs: number;
  readonly firstAfterMaxMs: number;
  /** The wait before each further check: its length + 1 is the number of checks. */
  readonly thenAfterMs: readonly number[];
  /** Every check falls within this long after the request (validated over the whole plan). */
  readonly withinMs: number;
}

/** What a leg that stays unanswered after its last status check is taken to have done: failed, with these codes. */
export interface DeemedOutcomes {
  /**
   * How long after the last status check the outcome is deemed. Long enough that no copy of the
   * leg's request can still be applied by a bank (checked against the signed-record freshness window
   * at boot, `checkSettleTimeCoversFreshness`), so the deemed outcome is never contradicted by money moving.
   */
  readonly settleMs: number;
  readonly debit: ResultCode;
  readonly credit: ResultCode;
  readonly reversal: ResultCode;
}

export interface ReversalRules {
  /** RBI's turnaround time: a failed payment's debit is reversed by the end of day T + this many days (T: the failure's day in `timeZone`). */
  readonly dueDaysAfterFailure: number;
  /** The wait before each automatic retry of a failed reversal; when they are used up, an operator acts. */
  readonly retryAfterMs: readonly number[];
}

/** Nest provider token of the service's SchemeProfile. */
export const SCHEME_PROFILE = Symbol('SCHEME_PROFILE');

/**
 * The hard ceiling of the per-payment amount, whatever a profile or file says: ₹1,00,000, NPCI's
 * per-transaction limit for person-to-person UPI payments (higher caps exist only for listed
 * merchant categories, never P2P). A profile above it stops the service at boot, so a typo in a
 * file can never let a ₹10,00,000 payment through.
 */
export const PER_PAYMENT_CEILING_MINOR: Readonly<Record<Currency, bigint>> = { INR: 10_000_000n };

/**
 * The hard ceiling of a payment to a merchant, whatever a profile says: ₹5,00,000, the highest
 * per-transaction cap NPCI grants any merchant category (verified merchants in hospitals and
 * education, NPCI/UPI/OC-185/2023-24; tax payments, OC-185A/2024-25). A profile above it stops boot.
 */
export const MERCHANT_PER_PAYMENT_CEILING_MINOR: Readonly<Record<Currency, bigint>> = { INR: 50_000_000n };

/** The merchant order rules of a profile that gives none: DESIGN's default expiry of merchant requests (30 min). */
const DEFAULT_MERCHANT_ORDER_RULES: MerchantOrderRules = { defaultExpiryMs: 30 * 60_000, maxExpiryMs: 24 * 3_600_000 };

/** The collect expiry of a profile that gives none: DESIGN's 30 min (UPI's default `expireAfter`), 1 min to a day. */
const DEFAULT_COLLECT_EXPIRY: CollectExpiryRules = { defaultMs: 30 * 60_000, minMs: 60_000, maxMs: 24 * 3_600_000 };

/** NPCI's cap on a P2P collect request while UPI had them (₹2,000): the default of a profile that names none. */
export const P2P_COLLECT_DEFAULT_MAX_MINOR: Readonly<Record<Currency, bigint>> = { INR: 200_000n };

/** The collect rules of a profile that gives none (or no `p2p` part): the expiries above, and no P2P collect. */
function defaultCollectRules(currency: Currency): CollectRules {
  return { merchantExpiry: DEFAULT_COLLECT_EXPIRY, p2p: { enabled: false, maxAmountMinor: P2P_COLLECT_DEFAULT_MAX_MINOR[currency], expiry: DEFAULT_COLLECT_EXPIRY } };
}

/** UPI's longest collect expiry (`expireAfter`, in minutes: 45 days); no profile may go beyond it. */
const MAX_COLLECT_EXPIRY_MINUTES = 64_800;

/** Profiles shipped with the service, by the name SCHEME_PROFILE selects. */
export const BUILT_IN_SCHEME_PROFILES: Readonly<Record<string, unknown>> = { upi: UPI_PROFILE };
export const BUILT_IN_SCHEME_PROFILE_NAMES = Object.keys(BUILT_IN_SCHEME_PROFILES);

const AMOUNT_MESSAGE = '$property must be a positive decimal string with at most 2 fraction digits, e.g. "5000.00"';
const HOURS_MESSAGE = '$property must be an integer number of hours between 0 and 720';
const REQUIRED = { message: '$property is required' };

/** `@IsInt @Min @Max` with one message naming the range: `<what> between <min> and <max>`. */
function IntegerBetween(min: number, max: number, what: string, each = false): PropertyDecorator {
  const message = each ? `$property must hold only ${what} between ${min} and ${max}` : `$property must be ${what} between ${min} and ${max}`;
  return (target, key) => {
    IsInt({ message, each })(target, key);
    Min(min, { message, each })(target, key);
    Max(max, { message, each })(target, key);
  };
}

/** A deemed outcome is a failure: the codes of success and of "still pending" cannot be one. */
const DEEMED_RESULT_CODES = ALL_RESULT_CODES.filter((code) => code !== RESULT_CODES.SUCCESS && code !== RESULT_CODES.PENDING);
const DEEMED_CODE_MESSAGE = `$property must be a failure result code (${DEEMED_RESULT_CODES.join(', ')})`;

class SchemeLimitsDocument {
  @IsDefined({ message: '$property is required' })
  @IsString({ message: AMOUNT_MESSAGE })
  @Matches(DECIMAL_AMOUNT_PATTERN, { message: AMOUNT_MESSAGE })
  perPaymentMax!: string;

  @IsDefined({ message: '$property is required' })
  @IsInt({ message: '$property must be an integer number of hours between 1 and 720' })
  @Min(1, { message: '$property must be an integer number of hours between 1 and 720' })
  @Max(720, { message: '$property must be an integer number of hours between 1 and 720' })
  rollingWindowHours!: number;

  @IsDefined({ message: '$property is required' })
  @IsString({ message: AMOUNT_MESSAGE })
  @Matches(DECIMAL_AMOUNT_PATTERN, { message: AMOUNT_MESSAGE })
  rollingWindowMaxAmount!: string;

  @IsDefined({ message: '$property is required' })
  @IsInt({ message: '$property must be an integer between 1 and 100000' })
  @Min(1, { message: '$property must be an integer between 1 and 100000' })
  @Max(100_000, { message: '$property must be an integer between 1 and 100000' })
  rollingWindowMaxCount!: number;

  @IsDefined({ message: '$property is required' })
  @IsInt({ message: HOURS_MESSAGE })
  @Min(0, { message: HOURS_MESSAGE })
  @Max(720, { message: HOURS_MESSAGE })
  coolingPeriodHours!: number;

  @IsDefined({ message: '$property is required' })
  @IsString({ message: AMOUNT_MESSAGE })
  @Matches(DECIMAL_AMOUNT_PATTERN, { message: AMOUNT_MESSAGE })
  coolingPeriodMaxAmount!: string;
}

class TimeoutsDocument {
  @IsDefined(REQUIRED)
  @IntegerBetween(1, 300, 'an integer number of seconds')
  payLegSeconds!: number;

  @IsDefined(REQUIRED)
  @IntegerBetween(1, 300, 'an integer number of seconds')
  statusCheckSeconds!: number;
}

class SecondsRangeDocument {
  @IsDefined(REQUIRED)
  @IntegerBetween(1, 3600, 'an integer number of seconds')
  min!: number;

  @IsDefined(REQUIRED)
  @IntegerBetween(1, 3600, 'an integer number of seconds')
  max!: number;
}

class StatusChecksDocument {
  @IsDefined(REQUIRED)
  @IsObject({ message: '$property must be an object' })
  @ValidateNested()
  @Type(() => SecondsRangeDocument)
  firstAfterSeconds!: SecondsRangeDocument;

  @IsDefined(REQUIRED)
  @IsArray({ message: '$property must be a list of seconds' })
  @ArrayMaxSize(9, { message: '$property must list at most 9 waits (10 status checks)' })
  @IntegerBetween(1, 86_400, 'integer numbers of seconds', true)
  thenAfterSeconds!: number[];

  @IsDefined(REQUIRED)
  @IntegerBetween(1, 86_400, 'an integer number of seconds')
  withinSeconds!: number;
}

class DeemedOutcomesDocument {
  @IsDefined(REQUIRED)
  @IntegerBetween(1, 86_400, 'an integer number of seconds')
  settleSeconds!: number;

  @IsDefined(REQUIRED)
  @IsIn(DEEMED_RESULT_CODES, { message: DEEMED_CODE_MESSAGE })
  debit!: ResultCode;

  @IsDefined(REQUIRED)
  @IsIn(DEEMED_RESULT_CODES, { message: DEEMED_CODE_MESSAGE })
  credit!: ResultCode;

  @IsDefined(REQUIRED)
  @IsIn(DEEMED_RESULT_CODES, { message: DEEMED_CODE_MESSAGE })
  reversal!: ResultCode;
}

class ReversalsDocument {
  @IsDefined(REQUIRED)
  @IntegerBetween(0, 30, 'an integer number of days')
  dueDaysAfterFailure!: number;

  @IsDefined(REQUIRED)
  @IsArray({ message: '$property must be a list of seconds' })
  @ArrayMaxSize(20, { message: '$property must list at most 20 retries' })
  @IntegerBetween(1, 604_800, 'integer numbers of seconds', true)
  retryAfterSeconds!: number[];
}

const MCC_PATTERN = /^\d{4}$/;

class MerchantCategoryGroupDocument {
  @IsDefined(REQUIRED)
  @IsString({ message: '$property must be 1 to 40 characters of a-z, 0-9 or "-"' })
  @Matches(/^[a-z0-9-]{1,40}$/, { message: '$property must be 1 to 40 characters of a-z, 0-9 or "-"' })
  name!: string;

  @IsOptional()
  @IsString({ message: '$property must be a string of at most 300 characters' })
  @MaxLength(300, { message: '$property must be a string of at most 300 characters' })
  description?: string;

  @IsDefined(REQUIRED)
  @IsArray({ message: '$property must be a list of merchant category codes' })
  @ArrayMinSize(1, { message: '$property must list at least one merchant category code' })
  @ArrayMaxSize(1000, { message: '$property must list at most 1000 merchant category codes' })
  @IsString({ each: true, message: '$property must hold only 4-digit merchant category codes' })
  @Matches(MCC_PATTERN, { each: true, message: '$property must hold only 4-digit merchant category codes' })
  codes!: string[];

  @IsDefined(REQUIRED)
  @IsString({ message: AMOUNT_MESSAGE })
  @Matches(DECIMAL_AMOUNT_PATTERN, { message: AMOUNT_MESSAGE })
  perPaymentMax!: string;

  @IsOptional()
  @IsString({ message: AMOUNT_MESSAGE })
  @Matches(DECIMAL_AMOUNT_PATTERN, { message: AMOUNT_MESSAGE })
  verifiedPerPaymentMax?: string;
}

class MerchantOrdersDocument {
  @IsDefined(REQUIRED)
  @IntegerBetween(1, 10_080, 'an integer number of minutes')
  defaultExpiryMinutes!: number;

  @IsDefined(REQUIRED)
  @IntegerBetween(1, 10_080, 'an integer number of minutes')
  maxExpiryMinutes!: number;
}

class CollectExpiryDocument {
  @IsDefined(REQUIRED)
  @IntegerBetween(1, MAX_COLLECT_EXPIRY_MINUTES, 'an integer number of minutes')
  default!: number;

  @IsDefined(REQUIRED)
  @IntegerBetween(1, MAX_COLLECT_EXPIRY_MINUTES, 'an integer number of minutes')
  min!: number;

  @IsDefined(REQUIRED)
  @IntegerBetween(1, MAX_COLLECT_EXPIRY_MINUTES, 'an integer number of minutes')
  max!: number;
}

class P2pCollectDocument {
  @IsDefined(REQUIRED)
  @IsBoolean({ message: '$property must be true or false' })
  enabled!: boolean;

  @IsDefined(REQUIRED)
  @IsString({ message: AMOUNT_MESSAGE })
  @Matches(DECIMAL_AMOUNT_PATTERN, { message: AMOUNT_MESSAGE })
  maxAmount!: string;

  @IsDefined(REQUIRED)
  @IsObject({ message: '$property must be an object' })
  @ValidateNested()
  @Type(() => CollectExpiryDocument)
  expiryMinutes!: CollectExpiryDocument;
}

class CollectDocument {
  @IsDefined(REQUIRED)
  @IsObject({ message: '$property must be an object' })
  @ValidateNested()
  @Type(() => CollectExpiryDocument)
  merchantExpiryMinutes!: CollectExpiryDocument;

  /** Requests between people; a profile without it has them off. */
  @IsOptional()
  @IsObject({ message: '$property must be an object' })
  @ValidateNested()
  @Type(() => P2pCollectDocument)
  p2p?: P2pCollectDocument;

  /** The switch before `p2p` held it: still read, so older profile files keep booting (false only; see collectProblems). */
  @IsOptional()
  @IsBoolean({ message: '$property must be true or false' })
  p2pEnabled?: boolean;
}

class SchemeProfileDocument {
  @IsDefined({ message: '$property is required' })
  @IsString({ message: '$property must be 1 to 32 characters of a-z, 0-9 or "-"' })
  @Matches(/^[a-z0-9-]{1,32}$/, { message: '$property must be 1 to 32 characters of a-z, 0-9 or "-"' })
  name!: string;

  @IsOptional()
  @IsString({ message: '$property must be a string of at most 500 characters' })
  @MaxLength(500, { message: '$property must be a string of at most 500 characters' })
  description?: string;

  @IsDefined({ message: '$property is required' })
  @IsIn(SUPPORTED_CURRENCIES, { message: `$property must be one of ${SUPPORTED_CURRENCIES.join(', ')}` })
  currency!: Currency;

  @IsDefined({ message: '$property is required' })
  @IsObject({ message: '$property must be an object' })
  @ValidateNested()
  @Type(() => SchemeLimitsDocument)
  limits!: SchemeLimitsDocument;

  @IsDefined(REQUIRED)
  @IsString({ message: '$property must be an IANA time zone name, e.g. "Asia/Kolkata"' })
  timeZone!: string;

  @IsDefined(REQUIRED)
  @IsObject({ message: '$property must be an object' })
  @ValidateNested()
  @Type(() => TimeoutsDocument)
  timeouts!: TimeoutsDocument;

  @IsDefined(REQUIRED)
  @IsObject({ message: '$property must be an object' })
  @ValidateNested()
  @Type(() => StatusChecksDocument)
  statusChecks!: StatusChecksDocument;

  @IsDefined(REQUIRED)
  @IsObject({ message: '$property must be an object' })
  @ValidateNested()
  @Type(() => DeemedOutcomesDocument)
  deemedOutcomes!: DeemedOutcomesDocument;

  @IsDefined(REQUIRED)
  @IsObject({ message: '$property must be an object' })
  @ValidateNested()
  @Type(() => ReversalsDocument)
  reversals!: ReversalsDocument;

  @IsOptional()
  @IsArray({ message: '$property must be a list of merchant category groups' })
  @ArrayMaxSize(100, { message: '$property must list at most 100 groups' })
  @ValidateNested({ each: true })
  @Type(() => MerchantCategoryGroupDocument)
  merchantCategories?: MerchantCategoryGroupDocument[];

  @IsOptional()
  @IsObject({ message: '$property must be an object' })
  @ValidateNested()
  @Type(() => MerchantOrdersDocument)
  merchantOrders?: MerchantOrdersDocument;

  @IsOptional()
  @IsObject({ message: '$property must be an object' })
  @ValidateNested()
  @Type(() => CollectDocument)
  collect?: CollectDocument;
}

export interface SchemeProfileSelection {
  /** A built-in profile's name (SCHEME_PROFILE). */
  readonly name: string;
  /** A profile file to use instead (SCHEME_PROFILE_FILE), e.g. a stricter bank's or another scheme's. */
  readonly file?: string;
}

/**
 * The selected profile, validated. Throws a ConfigError whose problems name the source and the
 * field (`scheme profile upi: limits.perPaymentMax must be ...`), so boot stops with a message an
 * operator can act on. A file may start from a built-in profile (`"extends": "upi"`) and give only
 * what differs: objects are merged field by field, lists and values replaced.
 */
export function loadSchemeProfile(selection: SchemeProfileSelection): SchemeProfile {
  if (selection.file !== undefined) {
    const source = 'SCHEME_PROFILE_FILE';
    let raw: string;
    try {
      raw = readFileSync(selection.file, 'utf8');
    } catch (error) {
      const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'unreadable';
      throw new ConfigError([`${source} cannot be read (${code})`]);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new ConfigError([`${source} is not valid JSON`]);
    }
    return parseSchemeProfile(withBuiltInBase(parsed, `${source} (scheme profile)`), `${source} (scheme profile)`);
  }
  const builtIn = builtInProfile(selection.name);
  if (builtIn === undefined) throw new ConfigError([`SCHEME_PROFILE must be one of ${BUILT_IN_SCHEME_PROFILE_NAMES.join(', ')}`]);
  return parseSchemeProfile(builtIn, `scheme profile ${selection.name}`);
}

function builtInProfile(name: string): unknown {
  return Object.prototype.hasOwnProperty.call(BUILT_IN_SCHEME_PROFILES, name) ? BUILT_IN_SCHEME_PROFILES[name] : undefined;
}

/** The document with its `extends` resolved: the built-in profile it names, overlaid with the rest. */
function withBuiltInBase(document: unknown, source: string): unknown {
  if (!isPlainObject(document) || !('extends' in document)) return document;
  const { extends: baseName, ...overrides } = document;
  const base = typeof baseName === 'string' ? builtInProfile(baseName) : undefined;
  if (base === undefined) throw new ConfigError([`${source}: extends must name a built-in profile (${BUILT_IN_SCHEME_PROFILE_NAMES.join(', ')})`]);
  return overlay(base, overrides);
}

function overlay(base: unknown, overrides: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(overrides)) return overrides;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overrides)) merged[key] = key in base ? overlay(base[key], value) : value;
  return merged;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Validates a profile document (the parsed JSON) and converts it to the domain shape. */
export function parseSchemeProfile(document: unknown, source: string): SchemeProfile {
  if (!isPlainObject(document)) {
    throw new ConfigError([`${source} must be a JSON object`]);
  }
  const instance = plainToInstance(SchemeProfileDocument, document);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  const problems = errors.flatMap((error) => describeProfileError(error, ''));
  if (problems.length > 0) throw new ConfigError(problems.map((problem) => `${source}: ${problem}`));

  const { currency, limits, timeouts, statusChecks, deemedOutcomes, reversals, merchantCategories, merchantOrders, collect } = instance;
  const minor = (value: string): bigint => {
    const money = Money.parse({ value, currency });
    // The pattern and currency were checked above; a parse error here is a bug.
    if (Money.isError(money)) throw new Error(`scheme profile amount did not parse: ${money.reason}`);
    return money.minorUnits;
  };
  const profile: SchemeProfile = {
    name: instance.name,
    currency,
    perPaymentMaxMinor: minor(limits.perPaymentMax),
    rollingWindowMs: limits.rollingWindowHours * HOUR_MS,
    rollingWindowMaxAmountMinor: minor(limits.rollingWindowMaxAmount),
    rollingWindowMaxCount: limits.rollingWindowMaxCount,
    coolingPeriodMs: limits.coolingPeriodHours * HOUR_MS,
    coolingPeriodMaxAmountMinor: minor(limits.coolingPeriodMaxAmount),
    timeZone: instance.timeZone,
    timeouts: { payLegMs: timeouts.payLegSeconds * SECOND_MS, statusCheckMs: timeouts.statusCheckSeconds * SECOND_MS },
    statusChecks: {
      firstAfterMinMs: statusChecks.firstAfterSeconds.min * SECOND_MS,
      firstAfterMaxMs: statusChecks.firstAfterSeconds.max * SECOND_MS,
      thenAfterMs: statusChecks.thenAfterSeconds.map((seconds) => seconds * SECOND_MS),
      withinMs: statusChecks.withinSeconds * SECOND_MS,
    },
    deemedOutcomes: {
      settleMs: deemedOutcomes.settleSeconds * SECOND_MS,
      debit: deemedOutcomes.debit,
      credit: deemedOutcomes.credit,
      reversal: deemedOutcomes.reversal,
    },
    merchantCategories: (merchantCategories ?? []).map((group) => ({
      name: group.name,
      codes: [...group.codes],
      perPaymentMaxMinor: minor(group.perPaymentMax),
      verifiedPerPaymentMaxMinor: group.verifiedPerPaymentMax === undefined ? null : minor(group.verifiedPerPaymentMax),
    })),
    merchantOrders: merchantOrders
      ? { defaultExpiryMs: merchantOrders.defaultExpiryMinutes * MINUTE_MS, maxExpiryMs: merchantOrders.maxExpiryMinutes * MINUTE_MS }
      : DEFAULT_MERCHANT_ORDER_RULES,
    collect: collect
      ? {
          merchantExpiry: expiryRules(collect.merchantExpiryMinutes),
          p2p: collect.p2p
            ? { enabled: collect.p2p.enabled, maxAmountMinor: minor(collect.p2p.maxAmount), expiry: expiryRules(collect.p2p.expiryMinutes) }
            : defaultCollectRules(currency).p2p,
        }
      : defaultCollectRules(currency),
    reversals: {
      dueDaysAfterFailure: reversals.dueDaysAfterFailure,
      retryAfterMs: reversals.retryAfterSeconds.map((seconds) => seconds * SECOND_MS),
    },
  };

  const ruleProblems = [...amountProblems(profile), ...timingProblems(instance), ...merchantProblems(profile), ...collectProblems(profile, collect)];
  if (ruleProblems.length > 0) throw new ConfigError(ruleProblems.map((problem) => `${source}: ${problem}`));
  return profile;
}

/** The merchant sections' rules between fields: caps within the merchant ceiling, each code in one group, expiries in order. */
function merchantProblems(profile: SchemeProfile): string[] {
  const problems: string[] = [];
  const ceiling = MERCHANT_PER_PAYMENT_CEILING_MINOR[profile.currency];
  const seen = new Map<string, string>();
  profile.merchantCategories.forEach((group, index) => {
    const at = `merchantCategories.${index}`;
    for (const [field, value] of [
      ['perPaymentMax', group.perPaymentMaxMinor],
      ['verifiedPerPaymentMax', group.verifiedPerPaymentMaxMinor],
    ] as const) {
      if (value === null) continue;
      if (value <= 0n) problems.push(`${at}.${field} must be greater than zero`);
      if (value > ceiling) problems.push(`${at}.${field} must be at most ${Money.ofMinor(ceiling, profile.currency).toString()} (the hard ceiling of a merchant payment)`);
    }
    if (group.verifiedPerPaymentMaxMinor !== null && group.verifiedPerPaymentMaxMinor < group.perPaymentMaxMinor) {
      problems.push(`${at}.verifiedPerPaymentMax must not be below its perPaymentMax`);
    }
    for (const code of group.codes) {
      const other = seen.get(code);
      if (other !== undefined) problems.push(`${at}.codes: ${code} is already in group ${other}; a code belongs to one group`);
      else seen.set(code, group.name);
    }
  });
  if (profile.merchantOrders.defaultExpiryMs > profile.merchantOrders.maxExpiryMs) {
    problems.push('merchantOrders.defaultExpiryMinutes must not be above its maxExpiryMinutes');
  }
  return problems;
}

function expiryRules(minutes: CollectExpiryDocument): CollectExpiryRules {
  return { defaultMs: minutes.default * MINUTE_MS, minMs: minutes.min * MINUTE_MS, maxMs: minutes.max * MINUTE_MS };
}

/**
 * The collect section's rules between fields: each expiry in order; a P2P cap above nothing and, once
 * the switch is on, within a payment's (a request between people is paid as a P2P payment, so a
 * larger cap would only make requests nobody can approve; while it is off, a stricter profile's lower
 * perPaymentMax must not stop boot over a feature it does not use); and the old switch agreeing with
 * the new one.
 */
function collectProblems(profile: SchemeProfile, document: CollectDocument | undefined): string[] {
  const problems: string[] = [];
  const expiryProblems = (field: string, { defaultMs, minMs, maxMs }: CollectExpiryRules): void => {
    if (minMs > maxMs) problems.push(`${field}.min must not be above its max`);
    if (defaultMs < minMs || defaultMs > maxMs) problems.push(`${field}.default must be between its min and max`);
  };
  expiryProblems('collect.merchantExpiryMinutes', profile.collect.merchantExpiry);
  const { p2p } = profile.collect;
  if (document?.p2p !== undefined) {
    expiryProblems('collect.p2p.expiryMinutes', p2p.expiry);
    if (p2p.maxAmountMinor <= 0n) problems.push('collect.p2p.maxAmount must be greater than zero');
    if (p2p.enabled && p2p.maxAmountMinor > profile.perPaymentMaxMinor) {
      problems.push(`collect.p2p.maxAmount must be at most limits.perPaymentMax (${Money.ofMinor(profile.perPaymentMaxMinor, profile.currency).toString()}): its payment is a P2P payment`);
    }
  }
  // The old switch alone can only say off: turning P2P collect on takes its cap and expiries, so
  // `true` without `p2p` is refused rather than run on defaults nobody chose.
  const legacy = document?.p2pEnabled;
  if (legacy === true && document?.p2p === undefined) {
    problems.push('collect.p2pEnabled: true needs collect.p2p { enabled, maxAmount, expiryMinutes }, which replaces it; give that instead');
  } else if (legacy !== undefined && document?.p2p !== undefined && legacy !== p2p.enabled) {
    problems.push(`collect.p2pEnabled (${String(legacy)}) contradicts collect.p2p.enabled (${String(p2p.enabled)}); drop collect.p2pEnabled, which collect.p2p replaces`);
  }
  return problems;
}

/** The group of a merchant category code in the profile, or null when the profile does not list it. */
export function merchantCategoryOf(profile: SchemeProfile, categoryCode: string): MerchantCategoryGroup | null {
  return profile.merchantCategories.find((group) => group.codes.includes(categoryCode)) ?? null;
}

/** What one payment to a merchant of `group` may be: the verified cap for a verified merchant, if the group has one. */
export function merchantPerPaymentMaxMinor(group: MerchantCategoryGroup, verified: boolean): bigint {
  return verified && group.verifiedPerPaymentMaxMinor !== null ? group.verifiedPerPaymentMaxMinor : group.perPaymentMaxMinor;
}

function amountProblems(profile: SchemeProfile): string[] {
  const problems: string[] = [];
  const ceiling = PER_PAYMENT_CEILING_MINOR[profile.currency];
  if (profile.perPaymentMaxMinor > ceiling) {
    problems.push(`limits.perPaymentMax must be at most ${Money.ofMinor(ceiling, profile.currency).toString()} (the hard ceiling of a payment)`);
  }
  for (const [field, value] of [
    ['perPaymentMax', profile.perPaymentMaxMinor],
    ['rollingWindowMaxAmount', profile.rollingWindowMaxAmountMinor],
    ['coolingPeriodMaxAmount', profile.coolingPeriodMaxAmountMinor],
  ] as const) {
    if (value <= 0n) problems.push(`limits.${field} must be greater than zero`);
  }
  return problems;
}

/** The rules between timing fields, each in the document's own units and names. */
function timingProblems({ timeZone, timeouts, statusChecks, deemedOutcomes }: SchemeProfileDocument): string[] {
  const problems: string[] = [];
  if (!isTimeZone(timeZone)) problems.push('timeZone must be an IANA time zone name, e.g. "Asia/Kolkata"');
  const { min, max } = statusChecks.firstAfterSeconds;
  if (min > max) problems.push('statusChecks.firstAfterSeconds.min must not be above its max');
  // A check sent while the pay request may still be working only asks the bank to answer twice.
  if (min < timeouts.payLegSeconds) problems.push(`statusChecks.firstAfterSeconds.min must be at least timeouts.payLegSeconds (${timeouts.payLegSeconds})`);
  if (statusChecks.thenAfterSeconds.some((wait) => wait < timeouts.statusCheckSeconds)) {
    problems.push(`statusChecks.thenAfterSeconds must each be at least timeouts.statusCheckSeconds (${timeouts.statusCheckSeconds}): a check is answered before the next one`);
  }
  const lastCheckAt = max + statusChecks.thenAfterSeconds.reduce((sum, wait) => sum + wait, 0);
  if (lastCheckAt > statusChecks.withinSeconds) {
    problems.push(`statusChecks: the last check can come ${lastCheckAt} s after the request, after withinSeconds (${statusChecks.withinSeconds})`);
  }
  if (deemedOutcomes.settleSeconds < timeouts.statusCheckSeconds) {
    problems.push(`deemedOutcomes.settleSeconds must be at least timeouts.statusCheckSeconds (${timeouts.statusCheckSeconds}): the last check is answered first`);
  }
  return problems;
}

function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/**
 * A deemed outcome must never be contradicted by a bank moving money afterwards. A request reaches
 * a bank through two signed hops (payments -> bank-connector, bank-connector -> the partner bank),
 * and each hop refuses a record older than MESSAGE_MAX_AGE_MS (by a clock that may run
 * MESSAGE_MAX_FUTURE_SKEW_MS apart): so no copy of a leg's request can be applied later than
 * 2 x (max age + skew) after it was written. The settle time must cover that
 * (docs/payment-lifecycle.md, "Why the settle time").
 */
export function checkSettleTimeCoversFreshness(profile: SchemeProfile, window: FreshnessWindow, source = `scheme profile ${profile.name}`): void {
  const neededMs = 2 * window.maxAgeMs + 2 * window.maxFutureSkewMs;
  if (profile.deemedOutcomes.settleMs >= neededMs) return;
  throw new ConfigError([
    `${source}: deemedOutcomes.settleSeconds (${profile.deemedOutcomes.settleMs / SECOND_MS}) must be at least ` +
      `2 x MESSAGE_MAX_AGE_MS + 2 x MESSAGE_MAX_FUTURE_SKEW_MS = ${Math.ceil(neededMs / SECOND_MS)} s, ` +
      'so that no copy of a leg request can still be applied once its outcome is deemed',
  ]);
}

const SECOND_MS = 1000;
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;

/** `limits.perPaymentMax must be ...`: the dotted path of the field and the rule, never the value. */
function describeProfileError(error: ValidationError, prefix: string): string[] {
  const path = `${prefix}${error.property}`;
  const described = Object.entries(error.constraints ?? {}).map(([constraint, message]) => {
    // A misspelt field would otherwise be ignored and its limit silently left at nothing.
    if (constraint === 'whitelistValidation') return [constraint, `${path} is not a known field`] as const;
    // class-validator names only the leaf property; show where it sits in the document.
    return [constraint, message.startsWith(`${error.property} `) ? `${path}${message.slice(error.property.length)}` : `${path}: ${message}`] as const;
  });
  const own = described.map(([, message]) => message);
  const required = own.find((message) => message.endsWith(' is required'));
  // Not a list at all: what its items or its length must be says nothing more.
  const notAList = described.find(([constraint]) => constraint === 'isArray')?.[1];
  const children = (error.children ?? []).flatMap((child) => describeProfileError(child, `${path}.`));
  return [...(required ? [required] : notAList ? [notAList] : [...new Set(own)]), ...children];
}
