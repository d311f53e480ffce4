import { readFileSync } from 'node:fs';
import { plainToInstance, Type } from 'class-transformer';
import { IsDefined, IsIn, IsInt, IsObject, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested, ValidationError, validateSync } from 'class-validator';
import { Currency, DECIMAL_AMOUNT_PATTERN, Money, SUPPORTED_CURRENCIES } from '@kirim/contracts';
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

/** Profiles shipped with the service, by the name SCHEME_PROFILE selects. */
export const BUILT_IN_SCHEME_PROFILES: Readonly<Record<string, unknown>> = { upi: UPI_PROFILE };
export const BUILT_IN_SCHEME_PROFILE_NAMES = Object.keys(BUILT_IN_SCHEME_PROFILES);

const AMOUNT_MESSAGE = '$property must be a positive decimal string with at most 2 fraction digits, e.g. "5000.00"';
const HOURS_MESSAGE = '$property must be an integer number of hours between 0 and 720';

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
 * operator can act on.
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
    return parseSchemeProfile(parsed, `${source} (scheme profile)`);
  }
  const builtIn = Object.prototype.hasOwnProperty.call(BUILT_IN_SCHEME_PROFILES, selection.name) ? BUILT_IN_SCHEME_PROFILES[selection.name] : undefined;
  if (builtIn === undefined) throw new ConfigError([`SCHEME_PROFILE must be one of ${BUILT_IN_SCHEME_PROFILE_NAMES.join(', ')}`]);
  return parseSchemeProfile(builtIn, `scheme profile ${selection.name}`);
}

/** Validates a profile document (the parsed JSON) and converts it to the domain shape. */
export function parseSchemeProfile(document: unknown, source: string): SchemeProfile {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new ConfigError([`${source} must be a JSON object`]);
  }
  const instance = plainToInstance(SchemeProfileDocument, document);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true });
  const problems = errors.flatMap((error) => describeProfileError(error, ''));
  if (problems.length > 0) throw new ConfigError(problems.map((problem) => `${source}: ${problem}`));

  const { currency, limits } = instance;
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
  };

  const amountProblems: string[] = [];
  const ceiling = PER_PAYMENT_CEILING_MINOR[currency];
  if (profile.perPaymentMaxMinor > ceiling) {
    amountProblems.push(`limits.perPaymentMax must be at most ${Money.ofMinor(ceiling, currency).toString()} (the hard ceiling of a payment)`);
  }
  for (const [field, value] of [
    ['perPaymentMax', profile.perPaymentMaxMinor],
    ['rollingWindowMaxAmount', profile.rollingWindowMaxAmountMinor],
    ['coolingPeriodMaxAmount', profile.coolingPeriodMaxAmountMinor],
  ] as const) {
    if (value <= 0n) amountProblems.push(`limits.${field} must be greater than zero`);
  }
  if (amountProblems.length > 0) throw new ConfigError(amountProblems.map((problem) => `${source}: ${problem}`));
  return profile;
}

const HOUR_MS = 3_600_000;

/** `limits.perPaymentMax must be ...`: the dotted path of the field and the rule, never the value. */
function describeProfileError(error: ValidationError, prefix: string): string[] {
  const path = `${prefix}${error.property}`;
  const own = Object.entries(error.constraints ?? {}).map(([constraint, message]) => {
    // A misspelt field would otherwise be ignored and its limit silently left at nothing.
    if (constraint === 'whitelistValidation') return `${path} is not a known field`;
    // class-validator names only the leaf property; show where it sits in the document.
    return message.startsWith(`${error.property} `) ? `${path}${message.slice(error.property.length)}` : `${path}: ${message}`;
  });
  const required = own.find((message) => message.endsWith(' is required'));
  const children = (error.children ?? []).flatMap((child) => describeProfileError(child, `${path}.`));
  return [...(required ? [required] : [...new Set(own)]), ...children];
}
