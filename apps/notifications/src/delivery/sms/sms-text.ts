import { RECEIPT_CATALOGUES } from '../../receipt-text/render-receipt';
import { resolveReceiptLocale } from '../../receipt-text/receipt-locale';
import type { NotificationMessage } from '../delivery';

/**
 * The longest SMS text sent: three segments of 160 characters. Longer texts cost more segments and
 * some handsets show them as several messages. Counted in UTF-16 code units, as the provider's API
 * counts a JSON string, which is never fewer than the characters a reader sees.
 */
export const SMS_TEXT_MAX_LENGTH = 480;

const ELLIPSIS = '…';

/**
 * A receipt as one SMS: its title, the message (the first line of the body), when it happened, and
 * the UPI transaction id line, one per line, as renderReceipt lays them out. The other references
 * (RRN, payment id) and the note are left out: the transaction id is the one a bank or merchant asks
 * for. Within SMS_TEXT_MAX_LENGTH: the time goes first, then the message is cut at a word; the
 * transaction id line is never cut.
 */
export function smsTextOf(receipt: Pick<NotificationMessage, 'locale' | 'title' | 'body'>): string {
  const lines = receipt.body.split('\n');
  // renderReceipt: the message (and a note), a blank line, the time, then one line per reference.
  const blank = lines.indexOf('');
  const message = blank === 0 ? '' : (lines[0] ?? '');
  const tail = blank === -1 ? [] : lines.slice(blank + 1);
  const label = `${RECEIPT_CATALOGUES[resolveReceiptLocale(receipt.locale)].labels.transactionId}: `;
  // Looked for after the blank line only: user text (a note) is above it, and cannot pose as it.
  const transactionId = tail.find((line) => line.startsWith(label)) ?? '';
  const when = tail[0] !== undefined && tail[0] !== transactionId ? tail[0] : '';

  const text = (...parts: string[]): string => parts.filter((part) => part !== '').join('\n');
  const whole = text(receipt.title, message, when, transactionId);
  if (whole.length <= SMS_TEXT_MAX_LENGTH) return whole;
  const withoutTime = text(receipt.title, message, transactionId);
  if (withoutTime.length <= SMS_TEXT_MAX_LENGTH) return withoutTime;
  const room = SMS_TEXT_MAX_LENGTH - text(receipt.title, 'x', transactionId).length + 1;
  const cut = text(receipt.title, cutAtWord(message, room), transactionId);
  // Only a title or a reference line far longer than any the catalogues write gets here.
  return cut.length <= SMS_TEXT_MAX_LENGTH ? cut : cutAtWord(cut, SMS_TEXT_MAX_LENGTH);
}

/**
 * `text` in at most `max` code units, ending with "…" when cut: at the last space that leaves at
 * least half the room, else after the last whole grapheme (a word longer than half an SMS), so no
 * letter, emoji or Devanagari syllable is split.
 */
function cutAtWord(text: string, max: number): string {
  if (text.length <= max) return text;
  if (max < ELLIPSIS.length) return '';
  const room = max - ELLIPSIS.length;
  const head = text.slice(0, room + 1);
  const space = head.lastIndexOf(' ');
  if (space >= room / 2) return `${head.slice(0, space).trimEnd()}${ELLIPSIS}`;
  let kept = '';
  for (const { segment } of new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)) {
    if (kept.length + segment.length > room) break;
    kept += segment;
  }
  return `${kept.trimEnd()}${ELLIPSIS}`;
}
