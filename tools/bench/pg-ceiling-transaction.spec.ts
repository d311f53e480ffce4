import { CEILING_ACCOUNTS, CeilingPayment, ceilingTransaction, drawCeilingPayment, ROW_PAYLOAD_CHARS } from './pg-ceiling-transaction';

const payment = (id: string, payerAccount: number, payeeAccount: number, amountMinor: number): CeilingPayment => ({ id, idempotencyKey: `key-${id}`, payerAccount, payeeAccount, amountMinor });

describe("the PostgreSQL ceiling's transaction", () => {
  it('is two balance UPDATEs and two INSERTs per payment', () => {
    const statements = ceilingTransaction([payment('p1', 7, 3, 500)]);
    expect(statements.map((statement) => statement.text.split(' ')[0])).toEqual(['UPDATE', 'UPDATE', 'INSERT', 'INSERT']);
    expect(statements.filter((statement) => statement.text.startsWith('INSERT INTO ceiling_payments'))).toHaveLength(1);
    expect(statements.filter((statement) => statement.text.startsWith('INSERT INTO ceiling_records'))).toHaveLength(1);
  });

  it('debits the payer and credits the payee by the amount: the balances change by nothing in all', () => {
    const statements = ceilingTransaction([payment('p1', 7, 3, 500)]);
    const updates = statements.filter((statement) => statement.text.startsWith('UPDATE')).map((statement) => statement.values);
    expect(updates).toEqual([
      [3, 500],
      [7, -500],
    ]);
  });

  it('carries ten payments in one transaction with their accounts updated in ascending order (no deadlock cycle)', () => {
    const payments = Array.from({ length: 10 }, (_, i) => payment(`p${i}`, 100 - i, 50 + i * 3, 100 + i));
    const statements = ceilingTransaction(payments);
    expect(statements).toHaveLength(40);
    const accounts = statements.filter((statement) => statement.text.startsWith('UPDATE')).map((statement) => Number(statement.values[0]));
    expect(accounts).toHaveLength(20);
    expect(accounts).toEqual([...accounts].sort((a, b) => a - b));
    const deltas = statements.filter((statement) => statement.text.startsWith('UPDATE')).reduce((sum, statement) => sum + Number(statement.values[1]), 0);
    expect(deltas).toBe(0);
    // Every INSERT after every UPDATE: the locks are taken first, in order.
    const firstInsert = statements.findIndex((statement) => statement.text.startsWith('INSERT'));
    expect(statements.slice(firstInsert).every((statement) => statement.text.startsWith('INSERT'))).toBe(true);
  });

  it('inserts rows of about a payment row’s size, with named statements prepared once per connection', () => {
    const statements = ceilingTransaction([payment('p1', 1, 2, 100)]);
    for (const statement of statements.filter((candidate) => candidate.text.startsWith('INSERT'))) {
      expect(statement.values).toContain('x'.repeat(ROW_PAYLOAD_CHARS));
    }
    expect(new Set(statements.map((statement) => statement.name))).toEqual(new Set(['ceiling-update-balance', 'ceiling-insert-payment', 'ceiling-insert-record']));
  });

  it('draws two distinct accounts among the table’s and an amount of 1.00 .. 99.99', () => {
    let n = 0;
    const ids = (): string => `id-${n++}`;
    for (const pick of [0, 1, CEILING_ACCOUNTS - 2, CEILING_ACCOUNTS - 1]) {
      const drawn = drawCeilingPayment((max) => Math.min(pick, max - 1), ids);
      expect(drawn.payerAccount).not.toBe(drawn.payeeAccount);
      for (const account of [drawn.payerAccount, drawn.payeeAccount]) {
        expect(account).toBeGreaterThanOrEqual(1);
        expect(account).toBeLessThanOrEqual(CEILING_ACCOUNTS);
      }
      expect(drawn.amountMinor).toBeGreaterThanOrEqual(100);
      expect(drawn.amountMinor).toBeLessThanOrEqual(9_999);
    }
  });
});
