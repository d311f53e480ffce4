import { RandomIdGenerator } from './clock';
import { uuidv7 } from './uuid-v7';

const V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function millisecondsOf(id: string): number {
  return parseInt(id.replace(/-/g, '').slice(0, 12), 16);
}

describe('uuidv7 and RandomIdGenerator', () => {
  it('make RFC 9562 version 7 ids carrying the current Unix milliseconds in their first 48 bits', () => {
    const before = Date.now();
    const ids = [uuidv7(), new RandomIdGenerator().uuid()];
    const after = Date.now();
    for (const id of ids) {
      expect(id).toMatch(V7);
      expect(millisecondsOf(id)).toBeGreaterThanOrEqual(before);
      expect(millisecondsOf(id)).toBeLessThanOrEqual(after);
    }
  });

  it('are strictly increasing as text (and so as PostgreSQL uuids) across instances and many ids within one millisecond', () => {
    const generators = [new RandomIdGenerator(), new RandomIdGenerator()];
    const ids = Array.from({ length: 5000 }, (_, i) => (i % 3 === 0 ? uuidv7() : generators[i % 2].uuid()));
    for (let i = 1; i < ids.length; i++) expect(ids[i] > ids[i - 1]).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
