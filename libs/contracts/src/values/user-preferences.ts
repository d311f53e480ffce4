import { ValidateBy, ValidationOptions } from 'class-validator';

/**
 * A user's language and time zone, as identity takes them (`PATCH /v1/me`) and announces them
 * (`identity.user.preferences-changed.v1`). One definition, so the API and the event refuse the
 * same values.
 */

/**
 * A BCP 47 tag is at most 35 characters in practice: RFC 5646 §4.4.1 asks implementations to keep
 * at least that much (a language, an extended language, a script, a region and a variant).
 */
export const LOCALE_TAG_MAX_LENGTH = 35;

/** The longest IANA zone name today is 32 characters (America/Argentina/ComodRivadavia); room to spare. */
export const TIME_ZONE_MAX_LENGTH = 64;

/**
 * The canonical form of one BCP 47 tag (`HI-in` -> `hi-IN`, `iw` -> `he`), or null when Intl refuses
 * it, it is more than one tag, or it is longer than LOCALE_TAG_MAX_LENGTH either way.
 */
export function canonicalLocaleTag(tag: unknown): string | null {
  if (typeof tag !== 'string' || tag.length === 0 || tag.length > LOCALE_TAG_MAX_LENGTH) return null;
  try {
    const canonical = Intl.getCanonicalLocales(tag);
    return canonical.length === 1 && canonical[0].length <= LOCALE_TAG_MAX_LENGTH ? canonical[0] : null;
  } catch {
    // RangeError: not a well-formed BCP 47 tag.
    return null;
  }
}

/**
 * Whether Intl knows the zone (the same test receipts are rendered with, so a zone identity accepts
 * is one a receipt can be written in). Intl matches names without regard to case.
 */
export function isIanaTimeZone(timeZone: unknown): timeZone is string {
  if (typeof timeZone !== 'string' || timeZone.length === 0 || timeZone.length > TIME_ZONE_MAX_LENGTH) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    // RangeError: a zone ICU's time-zone data does not have.
    return false;
  }
}

/** A well-formed BCP 47 language tag of at most LOCALE_TAG_MAX_LENGTH characters. */
export function IsLocaleTag(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isLocaleTag',
      validator: {
        validate: (value: unknown) => canonicalLocaleTag(value) !== null,
        defaultMessage: (args) => `${args?.property ?? 'locale'} must be a BCP 47 language tag of at most ${LOCALE_TAG_MAX_LENGTH} characters, e.g. hi-IN`,
      },
    },
    options,
  );
}

/** An IANA time zone Intl knows. */
export function IsIanaTimeZone(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isIanaTimeZone',
      validator: {
        validate: (value: unknown) => isIanaTimeZone(value),
        defaultMessage: (args) => `${args?.property ?? 'timeZone'} must be an IANA time zone, e.g. Asia/Kolkata`,
      },
    },
    options,
  );
}
