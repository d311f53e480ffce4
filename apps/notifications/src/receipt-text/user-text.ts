/**
 * Text that others wrote (a person's or a merchant's name, a merchant's note or reference), made
 * safe to put into a receipt. A receipt is plain text that a chat, an SMS or a lock screen shows as
 * it is, so what goes in must not be able to change how the rest reads.
 */

/**
 * Characters removed from user text:
 * - controls (`\p{Cc}`: C0 with NUL, tab and newline, DEL, C1) and the line and paragraph separators
 *   (`\p{Zl}`, `\p{Zp}`): a name must not start a new line that looks like our own ("UPI transaction
 *   ID: ..."); HTTP input already refuses them (docs/service-conventions.md), names from elsewhere
 *   (the messaging platform's profile) may not;
 * - format characters (`\p{Cf}`): bidi overrides and isolates could make "Priya" read backwards or
 *   move the amount that follows, zero-width spaces and tag characters hide text a reader never sees.
 *   Except ZWNJ and ZWJ (U+200C, U+200D): Devanagari spelling and emoji sequences need them.
 */
const UNSAFE_CHARACTERS = /(?![\u200C\u200D])[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu;

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * User text cleaned for a receipt: NFC, unsafe characters removed, every run of white space one
 * space, trimmed. Cleaned, not refused: the money moved, and the user must still be told; a name
 * that loses a character is better than a receipt that is never sent.
 */
export function cleanUserText(text: string): string {
  // White space first (a newline between two words is a space), then what is unsafe, then the runs that leaves.
  return text.normalize('NFC').replace(/\s+/gu, ' ').replace(UNSAFE_CHARACTERS, '').replace(/\s+/gu, ' ').trim();
}

/**
 * At most `max` user-perceived characters (grapheme clusters: a Devanagari syllable such as "प्रि",
 * an emoji with its skin tone or ZWJ sequence), with "…" when cut. Cutting by UTF-16 code units
 * would split a surrogate pair or a syllable and leave a broken character in the receipt.
 */
export function limitGraphemes(text: string, max: number): string {
  const clusters = Array.from(graphemes.segment(text), ({ segment }) => segment);
  return clusters.length <= max ? text : `${clusters.slice(0, max).join('')}…`;
}

/** A given name longer than this is cut; real ones rarely come close. */
const MAX_GIVEN_NAME_GRAPHEMES = 24;

/** A name part that can stand for the name: it starts with a letter or a digit (not an emoji, not "("). */
const NAME_PART = /^[\p{L}\p{N}]/u;

/**
 * A person's name as a receipt shows it: the given name and the initial of the last name,
 * "Priya Sharma" -> "Priya S.", "प्रिया शर्मा" -> "प्रिया श.", "Priya Kumari Sharma" -> "Priya S.".
 *
 * Why this form: the recipient still recognises who paid them or whom they paid (the payment was
 * theirs, minutes ago), while a receipt read off a lock screen, forwarded or leaked does not give
 * away anyone's full name. The full, bank-verified name matters before the payer enters the UPI
 * PIN, not in a receipt after it. Star masks ("P**** S****") were the other choice; they give away
 * each part's length, tell the recipient less, and read badly in Devanagari and through a screen
 * reader.
 *
 * By grapheme, never by code unit, so the initial of "शर्मा" is the whole "श" and an emoji is never
 * split. Parts that start with neither a letter nor a digit (emoji, brackets) are left out; a name
 * of only such parts is shown cut to length; a single name is shown alone ("Sukarno"). `undefined`
 * when nothing is left to show: the receipt then names nobody rather than an empty name.
 */
export function maskDisplayName(displayName: string): string | undefined {
  const parts = cleanUserText(displayName).split(' ').filter((part) => part !== '');
  const nameParts = parts.filter((part) => NAME_PART.test(part));
  if (nameParts.length === 0) {
    return parts.length === 0 ? undefined : limitGraphemes(parts.join(' '), MAX_GIVEN_NAME_GRAPHEMES);
  }
  const given = limitGraphemes(nameParts[0], MAX_GIVEN_NAME_GRAPHEMES);
  if (nameParts.length === 1) return given;
  const lastName = nameParts[nameParts.length - 1];
  return `${given} ${firstGrapheme(lastName)}.`;
}

function firstGrapheme(text: string): string {
  for (const { segment } of graphemes.segment(text)) return segment;
  return '';
}
