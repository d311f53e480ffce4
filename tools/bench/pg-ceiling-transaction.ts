/**
 * The PostgreSQL ceiling's unit of work: what one payment costs the database at the least, in the
 * shape kirim's ledger gives it. Per payment two balance UPDATEs (payer debited, payee credited) and
 * two INSERTs of about a payment row's size (the payment, and its posting/outbox record), in one
 * transaction with synchronous_commit on. Several payments per transaction share one commit.
 *
 * The balance updates of a transaction run in ascending account order, as bank-connector locks a
 * chunk's accounts (LockLegAccountsInOrder): two transactions never wait for each other in a cycle.
 */

export const CEILING_ACCOUNTS = 10_000;
/** Filler that brings each inserted row to about a payment row's size (~500 bytes with its other columns). */
export const ROW_PAYLOAD_CHARS = 400;

export const CEILING_SCHEMA = [
  'CREATE TABLE ceiling_accounts (id integer PRIMARY KEY, balance_minor bigint NOT NULL, updated_at timestamptz NOT NULL DEFAULT now())',
  `INSERT INTO ceiling_accounts (id, balance_minor) SELECT g, 100000000 FROM generate_series(1, ${CEILING_ACCOUNTS}) g`,
  `CREATE TABLE ceiling_payments (
     id uuid PRIMARY KEY, payer_account integer NOT NULL, payee_account integer NOT NULL, amount_minor bigint NOT NULL,
     status text NOT NULL, idempotency_key uuid NOT NULL, payload text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`,
  `CREATE TABLE ceiling_records (
     id bigserial PRIMARY KEY, payment_id uuid NOT NULL, kind text NOT NULL, payload text NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`,
] as const;

export interface CeilingPayment {
  readonly id: string;
  readonly idempotencyKey: string;
  readonly payerAccount: number;
  readonly payeeAccount: number;
  readonly amountMinor: number;
}

/** A statement as pg's named (prepared) query: prepared once per connection, then only executed. */
export interface CeilingStatement {
  readonly name: string;
  readonly text: string;
  readonly values: readonly (string | number)[];
}

const UPDATE_BALANCE = 'UPDATE ceiling_accounts SET balance_minor = balance_minor + $2, updated_at = now() WHERE id = $1';
const INSERT_PAYMENT = 'INSERT INTO ceiling_payments (id, payer_account, payee_account, amount_minor, status, idempotency_key, payload) VALUES ($1, $2, $3, $4, $5, $6, $7)';
const INSERT_RECORD = 'INSERT INTO ceiling_records (payment_id, kind, payload) VALUES ($1, $2, $3)';

const PAYLOAD = 'x'.repeat(ROW_PAYLOAD_CHARS);

/** The statements of one transaction (between BEGIN and COMMIT) carrying `payments`. */
export function ceilingTransaction(payments: readonly CeilingPayment[]): CeilingStatement[] {
  const updates = payments
    .flatMap((payment) => [
      { account: payment.payerAccount, delta: -payment.amountMinor },
      { account: payment.payeeAccount, delta: payment.amountMinor },
    ])
    .sort((a, b) => a.account - b.account);
  return [
    ...updates.map((update): CeilingStatement => ({ name: 'ceiling-update-balance', text: UPDATE_BALANCE, values: [update.account, update.delta] })),
    ...payments.flatMap((payment): CeilingStatement[] => [
      {
        name: 'ceiling-insert-payment',
        text: INSERT_PAYMENT,
        values: [payment.id, payment.payerAccount, payment.payeeAccount, payment.amountMinor, 'completed', payment.idempotencyKey, PAYLOAD],
      },
      { name: 'ceiling-insert-record', text: INSERT_RECORD, values: [payment.id, 'payments.payment.completed.v1', PAYLOAD] },
    ]),
  ];
}

/** Two distinct accounts and an amount, from `randomInt(max)` (an integer in [0, max)). */
export function drawCeilingPayment(randomInt: (max: number) => number, newId: () => string): CeilingPayment {
  const payerAccount = 1 + randomInt(CEILING_ACCOUNTS);
  let payeeAccount = 1 + randomInt(CEILING_ACCOUNTS - 1);
  if (payeeAccount >= payerAccount) payeeAccount++;
  return { id: newId(), idempotencyKey: newId(), payerAccount, payeeAccount, amountMinor: 100 + randomInt(9_900) };
}
