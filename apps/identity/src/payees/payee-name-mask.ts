/**
 * How a payee's bank-registered name is shown to a payer before they pay, as UPI apps show the name
 * the payee's bank returns (enough to see it is the right person, not the whole name):
 *
 * - the first word in full: "Asha";
 * - every later word as its first letter and one asterisk per further letter: "Kumari" -> "K*****";
 * - words are split on whitespace (runs of it collapse to one space); letters are Unicode code points,
 *   so a Devanagari or accented name is masked by character, not by byte.
 *
 * "Asha Kumari Rao" -> "Asha K***** R**"; "ASHA" -> "ASHA". Case is kept as the bank gave it.
 */
export function maskHolderName(holderName: string): string {
  const [first, ...rest] = holderName.trim().split(/\s+/u);
  return [first, ...rest.map(maskWord)].join(' ');
}

function maskWord(word: string): string {
  const [initial, ...others] = Array.from(word);
  return `${initial}${'*'.repeat(others.length)}`;
}
