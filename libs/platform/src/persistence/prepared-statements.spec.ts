import { Client } from 'pg';
import { ConnectionStatements, preparingClient } from './prepared-statements';

const SELECT = 'SELECT id FROM payments WHERE id = $1';

describe('ConnectionStatements', () => {
  it('names a statement on its threshold-th use, and keeps that name on every later use', () => {
    const statements = new ConnectionStatements({ threshold: 3, maxPerConnection: 10 });
    expect([statements.nameFor(SELECT), statements.nameFor(SELECT)]).toEqual([null, null]);
    const name = statements.nameFor(SELECT);
    expect(name).toMatch(/^kirim_s\d+$/);
    expect([statements.nameFor(SELECT), statements.nameFor(`  ${SELECT}`)]).toEqual([name, null]);
  });

  it('gives each text its own name', () => {
    const statements = new ConnectionStatements({ threshold: 1, maxPerConnection: 10 });
    const names = ['SELECT $1::int', 'select $1::text', 'INSERT INTO t VALUES ($1)', 'UPDATE t SET a = $1', 'DELETE FROM t WHERE a = $1', 'WITH x AS (SELECT $1) SELECT * FROM x'].map((text) => statements.nameFor(text));
    expect(names.every((name) => name !== null)).toBe(true);
    expect(new Set(names).size).toBe(names.length);
  });

  it('leaves transaction control, DDL and anything but data statements unnamed however often they run', () => {
    const statements = new ConnectionStatements({ threshold: 1, maxPerConnection: 10 });
    for (const text of ['START TRANSACTION', 'COMMIT', 'SAVEPOINT payment_row', 'CREATE TABLE t (a int)', 'SET LOCAL lock_timeout = $1', 'LOCK TABLE t']) {
      expect([statements.nameFor(text), statements.nameFor(text)]).toEqual([null, null]);
    }
    expect(statements.prepared).toBe(0);
  });

  it('prepares nothing with threshold 0', () => {
    const statements = new ConnectionStatements({ threshold: 0, maxPerConnection: 10 });
    expect(Array.from({ length: 20 }, () => statements.nameFor(SELECT)).every((name) => name === null)).toBe(true);
  });

  it('keeps at most maxPerConnection prepared; later texts run unnamed while the earlier ones stay prepared', () => {
    const statements = new ConnectionStatements({ threshold: 1, maxPerConnection: 2 });
    const first = statements.nameFor('SELECT $1::int');
    const second = statements.nameFor('SELECT $1::text');
    expect(statements.nameFor('SELECT $1::bigint')).toBeNull();
    expect([statements.nameFor('SELECT $1::int'), statements.nameFor('SELECT $1::text')]).toEqual([first, second]);
    expect(statements.prepared).toBe(2);
  });

  it('stops counting new texts once it counts four times the cap, so one-off texts cannot grow it forever', () => {
    const statements = new ConnectionStatements({ threshold: 2, maxPerConnection: 1 });
    for (let i = 0; i < 4; i++) statements.nameFor(`SELECT $1::int + ${i}`);
    // A fifth text is not counted, so its second use is still unnamed; a counted one is named on its second.
    statements.nameFor('SELECT $1::int + 99');
    expect(statements.nameFor('SELECT $1::int + 99')).toBeNull();
    expect(statements.nameFor('SELECT $1::int + 0')).not.toBeNull();
  });
});

describe('preparingClient', () => {
  let query: jest.SpyInstance;

  beforeEach(() => {
    query = jest.spyOn(Client.prototype, 'query').mockImplementation((() => Promise.resolve({ rows: [] })) as never);
  });

  afterEach(() => query.mockRestore());

  it('runs (text, values) by name from its threshold on, and passes every other call shape on untouched', async () => {
    const client = new (preparingClient({ threshold: 2, maxPerConnection: 10 }))();
    const callback = jest.fn();
    await client.query(SELECT, ['a']);
    client.query(SELECT, ['b'], callback);
    await client.query(SELECT, ['c']);
    await client.query('SELECT 1');
    await client.query('SELECT $1::int', []);
    await client.query({ text: SELECT, values: ['d'] });

    expect(query.mock.calls).toEqual([
      [SELECT, ['a']],
      [{ name: 'kirim_s1', text: SELECT, values: ['b'] }, callback],
      [{ name: 'kirim_s1', text: SELECT, values: ['c'] }],
      ['SELECT 1'],
      ['SELECT $1::int', []],
      [{ text: SELECT, values: ['d'] }],
    ]);
  });

  it('counts per connection: a new client starts from nothing', async () => {
    const Preparing = preparingClient({ threshold: 1, maxPerConnection: 10 });
    const [one, two] = [new Preparing(), new Preparing()];
    await one.query('SELECT $1::int', [1]);
    await two.query('SELECT $1::text', ['x']);
    expect(query.mock.calls.map(([config]) => (config as { name: string }).name)).toEqual(['kirim_s1', 'kirim_s1']);
  });
});
