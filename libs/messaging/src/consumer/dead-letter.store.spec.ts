import { parseDeadLetterCursor } from './dead-letter.store';

describe('parseDeadLetterCursor', () => {
  const id = '0b7c6a52-3f1e-4f7a-9a57-2b1f8d1c9e10';
  const cursorOf = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');

  it('reads back a cursor made of the creation time in microseconds and the id', () => {
    expect(parseDeadLetterCursor(cursorOf(`1764700000123456.${id}`))).toEqual({ createdAtMicros: 1764700000123456n, id });
  });

  it.each([
    ['not base64url', '***'],
    ['no id', cursorOf('1764700000123456')],
    ['an id that is not a UUID', cursorOf('1764700000123456.not-a-uuid-but-thirty-six-characters!')],
    ['a time that is not digits', cursorOf(`-1.${id}`)],
    ['SQL', cursorOf(`1'; DROP TABLE dead_letters; --.${id}`)],
    ['far too long', 'A'.repeat(200)],
  ])('refuses %s', (_label, text) => {
    expect(parseDeadLetterCursor(text)).toBeNull();
  });
});
