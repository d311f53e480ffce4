/**
 * The languages receipts are written in, and how a user's language preference and time zone are
 * turned into one of them. Nothing here throws on what a user or a client sent: a tag or a zone we
 * cannot use falls back to India's (kirim's users and its scheme, UPI, are there).
 */
export const RECEIPT_LOCALES = ['en-IN', 'hi-IN', 'id-ID', 'pt-BR'] as const;
export type ReceiptLocale = (typeof RECEIPT_LOCALES)[number];

export const DEFAULT_RECEIPT_LOCALE: ReceiptLocale = 'en-IN';

/** UPI's time zone (docs/payment-lifecycle.md): the one a receipt's times are shown in unless the user has another. */
export const DEFAULT_RECEIPT_TIME_ZONE = 'Asia/Kolkata';

/** Each receipt locale with its likely subtags added (`hi-IN` -> `hi-Deva-IN`), to compare scripts. */
const SUPPORTED = RECEIPT_LOCALES.map((locale) => ({ locale, maximized: new Intl.Locale(locale).maximize() }));

/**
 * The receipt locale for a user's BCP 47 preference: one tag, or several best first (as in
 * Accept-Language). A tag is matched by language and script, not region: we have one locale per
 * language, so `pt-PT` reads Brazilian Portuguese and `en-GB` Indian English (amounts are rupees
 * either way), while `hi-Latn` (Hindi typed in Latin letters) does not get Devanagari and falls
 * through to the next tag or to en-IN. Tags are canonicalized by Intl, so case, deprecated codes
 * (`in` is Indonesian) and extensions (`hi-IN-u-nu-deva`) need no string handling here. A tag Intl
 * refuses (empty, malformed, not a string) is skipped, never thrown.
 */
export function resolveReceiptLocale(preference: string | readonly string[] | null | undefined): ReceiptLocale {
  const tags: readonly unknown[] = typeof preference === 'string' ? [preference] : Array.isArray(preference) ? preference : [];
  for (const tag of tags) {
    const locale = supportedLocaleFor(tag);
    if (locale !== undefined) return locale;
  }
  return DEFAULT_RECEIPT_LOCALE;
}

function supportedLocaleFor(tag: unknown): ReceiptLocale | undefined {
  if (typeof tag !== 'string') return undefined;
  let requested: Intl.Locale;
  try {
    const [canonical] = Intl.getCanonicalLocales(tag);
    if (canonical === undefined) return undefined;
    requested = new Intl.Locale(canonical).maximize();
  } catch {
    // RangeError for a tag that is not BCP 47: the user's preference is unusable, not our bug.
    return undefined;
  }
  return SUPPORTED.find(({ maximized }) => maximized.language === requested.language && maximized.script === requested.script)?.locale;
}

/**
 * The IANA time zone to show a receipt's times in: the user's when Intl knows it, else Asia/Kolkata.
 * The zone is returned as given (Intl would rename Asia/Kolkata to its old alias Asia/Calcutta).
 */
export function resolveReceiptTimeZone(timeZone: string | null | undefined): string {
  if (typeof timeZone !== 'string' || timeZone === '') return DEFAULT_RECEIPT_TIME_ZONE;
  return isKnownTimeZone(timeZone) ? timeZone : DEFAULT_RECEIPT_TIME_ZONE;
}

/**
 * Zones already asked about. Building an Intl.DateTimeFormat to ask ICU costs more than rendering
 * the rest of a receipt, and every receipt asks; the answer for a name does not change while the
 * process runs. Users choose their zone, so the memo is bounded: past the bound ICU is asked again.
 */
const knownTimeZones = new Map<string, boolean>();
const KNOWN_TIME_ZONES_MAX = 1_000;

function isKnownTimeZone(timeZone: string): boolean {
  const remembered = knownTimeZones.get(timeZone);
  if (remembered !== undefined) return remembered;
  const known = askIcuForTimeZone(timeZone);
  if (knownTimeZones.size < KNOWN_TIME_ZONES_MAX) knownTimeZones.set(timeZone, known);
  return known;
}

function askIcuForTimeZone(timeZone: string): boolean {
  try {
    return new Intl.DateTimeFormat('en', { timeZone }).resolvedOptions().timeZone !== '';
  } catch {
    // RangeError: a zone ICU's time-zone data does not have (a typo, an offset such as "+05:30").
    return false;
  }
}
