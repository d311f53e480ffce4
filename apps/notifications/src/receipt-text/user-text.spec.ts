import { cleanUserText, limitGraphemes, maskDisplayName } from './user-text';

const graphemeCount = (text: string): number => Array.from(new Intl.Segmenter(undefined, { granularity: 'grapheme' }).segment(text)).length;
/** A lone UTF-16 surrogate: half of an emoji, what cutting by code unit leaves behind. */
const LONE_SURROGATE = /\p{Cs}/u;

describe('cleanUserText', () => {
  it.each([
    ['NUL', 'Priya\u0000 Sharma', 'Priya Sharma'],
    ['a newline and a tab', 'Priya\n\tSharma\r\n', 'Priya Sharma'],
    ['DEL and C1 controls (NEL, CSI)', 'Pri\u007Fya\u0085 Sha\u009Brma', 'Priya Sharma'],
    ['the line and paragraph separators', 'Priya\u2028Sharma\u2029', 'Priya Sharma'],
    ['a right-to-left override', '\u202EamrahS ayirP\u202C', 'amrahS ayirP'],
    ['bidi isolates and marks', '\u2067Priya\u2069 \u200FSharma', 'Priya Sharma'],
    ['zero-width space and BOM', 'Pri\u200Bya\uFEFF Sharma', 'Priya Sharma'],
    ['tag characters (hidden text)', 'Priya\u{E0049}\u{E0047}\u{E004E} Sharma', 'Priya Sharma'],
  ])('removes %s', (_what, input, expected) => {
    expect(cleanUserText(input)).toBe(expected);
  });

  it('keeps the joiners that Devanagari and emoji need', () => {
    expect(cleanUserText('क्\u200Cष')).toBe('क्\u200Cष');
    expect(cleanUserText('👩🏽\u200D💻')).toBe('👩🏽\u200D💻');
  });

  it('composes to NFC and collapses white space, non-breaking included', () => {
    expect(cleanUserText('  Zoe\u0308\u00A0\u00A0 Martin  ')).toBe('Zoë Martin');
  });
});

describe('limitGraphemes', () => {
  it('keeps text within the limit as it is', () => {
    expect(limitGraphemes('प्रिया', 3)).toBe('प्रिया');
  });

  it('cuts by user-perceived character: never inside a Devanagari syllable or an emoji', () => {
    expect(limitGraphemes('प्रियंका', 2)).toBe('प्रियं…');
    const families = '👨‍👩‍👧‍👦'.repeat(5);
    const cut = limitGraphemes(families, 3);
    expect(cut).toBe(`${'👨‍👩‍👧‍👦'.repeat(3)}…`);
    expect(cut).not.toMatch(LONE_SURROGATE);
  });
});

describe('maskDisplayName', () => {
  it.each([
    ['Priya Sharma', 'Priya S.'],
    ['Priya Kumari Sharma', 'Priya S.'],
    ['  priya   sharma ', 'priya s.'],
    ['PRIYA SHARMA', 'PRIYA S.'],
    ['K. Ramesh', 'K. R.'],
    ['Sukarno', 'Sukarno'],
    ['प्रिया शर्मा', 'प्रिया श.'],
    ['श्रुति त्रिपाठी', 'श्रुति त्रि.'],
    ['João da Silva', 'João S.'],
    ['Zoe\u0308 E\u0301mile', 'Zoë É.'],
    ['Ana 🇧🇷 Souza', 'Ana S.'],
    ['🌸 Priya Sharma', 'Priya S.'],
    ['Priya 👩🏽‍💻', 'Priya'],
    ['👩🏽‍💻', '👩🏽‍💻'],
  ])('shows %p as %p', (name, masked) => {
    expect(maskDisplayName(name)).toBe(masked);
  });

  it('takes the initial as a whole grapheme, never half a surrogate pair', () => {
    const masked = maskDisplayName('Priya 𝒮harma');
    expect(masked).toBe('Priya 𝒮.');
    expect(masked).not.toMatch(LONE_SURROGATE);
  });

  it('cuts a long given name at 24 graphemes', () => {
    expect(maskDisplayName(`${'A'.repeat(30)} Sharma`)).toBe(`${'A'.repeat(24)}… S.`);
    const emoji = maskDisplayName('👨‍👩‍👧‍👦'.repeat(30));
    expect(emoji).toBe(`${'👨‍👩‍👧‍👦'.repeat(24)}…`);
    expect(graphemeCount(emoji ?? '')).toBe(25);
    expect(emoji).not.toMatch(LONE_SURROGATE);
  });

  it('strips control characters, so a name cannot add a line of its own to a receipt', () => {
    expect(maskDisplayName('Priya\u0000 Sha\u202Erma')).toBe('Priya S.');
    expect(maskDisplayName('Priya\nUPI transaction ID: KRMFAKE')).toBe('Priya K.');
  });

  it.each(['', '   ', '\u0000\n\u202E', '\u200B'])('names nobody when nothing is left of %p', (name) => {
    expect(maskDisplayName(name)).toBeUndefined();
  });
});
