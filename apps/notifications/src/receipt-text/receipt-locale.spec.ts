import { DEFAULT_RECEIPT_TIME_ZONE, resolveReceiptLocale, resolveReceiptTimeZone } from './receipt-locale';

describe('resolveReceiptLocale', () => {
  it.each([
    ['hi', 'hi-IN'],
    ['hi-IN', 'hi-IN'],
    ['HI-in', 'hi-IN'],
    ['hi-Deva-IN', 'hi-IN'],
    ['hi-IN-u-nu-deva', 'hi-IN'],
    ['id', 'id-ID'],
    ['id-ID', 'id-ID'],
    ['in', 'id-ID'], // the deprecated ISO 639 code for Indonesian, canonicalized by Intl
    ['pt', 'pt-BR'],
    ['pt-BR', 'pt-BR'],
    ['pt-PT', 'pt-BR'],
    ['en', 'en-IN'],
    ['en-IN', 'en-IN'],
    ['en-GB', 'en-IN'],
    ['en-US', 'en-IN'],
  ])('reads %s as %s', (tag, locale) => {
    expect(resolveReceiptLocale(tag)).toBe(locale);
  });

  it.each(['fr-FR', 'zh-Hant-TW', 'ta-IN', 'und'])('falls back to en-IN for a language we do not write (%s)', (tag) => {
    expect(resolveReceiptLocale(tag)).toBe('en-IN');
  });

  it('does not give Devanagari to someone who writes Hindi in Latin letters', () => {
    expect(resolveReceiptLocale('hi-Latn')).toBe('en-IN');
    expect(resolveReceiptLocale('hi-Latn-IN')).toBe('en-IN');
  });

  it.each(['', ' ', 'not a tag', 'en_US', 'x-private', 'hi-', '12', 'a'.repeat(1000)])('falls back to en-IN, without throwing, for the invalid tag %p', (tag) => {
    expect(() => Intl.getCanonicalLocales(tag)).toThrow(RangeError);
    expect(resolveReceiptLocale(tag)).toBe('en-IN');
  });

  it('falls back to en-IN when there is no preference', () => {
    expect(resolveReceiptLocale(undefined)).toBe('en-IN');
    expect(resolveReceiptLocale(null)).toBe('en-IN');
    expect(resolveReceiptLocale([])).toBe('en-IN');
  });

  it('takes the first usable tag of a list, best first', () => {
    expect(resolveReceiptLocale(['fr-FR', 'hi-Latn', 'pt-PT', 'hi'])).toBe('pt-BR');
    expect(resolveReceiptLocale(['not a tag', 'in'])).toBe('id-ID');
    expect(resolveReceiptLocale(['fr', 'de'])).toBe('en-IN');
  });

  it('skips what is not a string (a preference read from JSON)', () => {
    expect(resolveReceiptLocale([42, { tag: 'hi' }, 'hi'] as unknown as string[])).toBe('hi-IN');
    expect(resolveReceiptLocale(42 as unknown as string)).toBe('en-IN');
  });
});

describe('resolveReceiptTimeZone', () => {
  it.each(['Asia/Kolkata', 'Asia/Jakarta', 'America/Sao_Paulo', 'Europe/London', 'UTC'])('keeps the known zone %s as given', (zone) => {
    expect(resolveReceiptTimeZone(zone)).toBe(zone);
  });

  it.each([undefined, null, '', 'Mars/Olympus_Mons', '+05:30', 'Asia/Kolkata\n', 'asia kolkata'])('uses Asia/Kolkata for %p', (zone) => {
    expect(resolveReceiptTimeZone(zone)).toBe('Asia/Kolkata');
  });

  it('answers the same when asked again, also once more zones were asked about than it remembers', () => {
    const asked = Array.from({ length: 1_200 }, (_, i) => `Nowhere/Zone_${i}`);
    for (const zone of asked) expect(resolveReceiptTimeZone(zone)).toBe('Asia/Kolkata');
    for (const zone of ['Asia/Jakarta', 'Mars/Olympus_Mons', 'Asia/Jakarta', 'Mars/Olympus_Mons', asked[0], asked[1_199]]) {
      expect(resolveReceiptTimeZone(zone)).toBe(zone === 'Asia/Jakarta' ? zone : 'Asia/Kolkata');
    }
  });

  it('defaults to the UPI scheme zone', () => {
    expect(DEFAULT_RECEIPT_TIME_ZONE).toBe('Asia/Kolkata');
  });
});
