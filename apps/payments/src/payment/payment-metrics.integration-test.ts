import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { MESSAGING_ENTITIES } from '@kirim/messaging';
import { serviceMetrics } from '@kirim/platform';
import { createMigratedTestDatabase, MigratedTestDatabase } from '@kirim/testing';
import { PAYMENTS_MIGRATIONS } from '../migrations';
import { samplePayment } from '../testing/payment-fakes';
import { Payment } from './payment';
import { PAYMENT_ENTITIES } from './payment-entities';
import { PAYMENT_BACKLOG_SQL, PaymentBacklogGauges, readPaymentBacklog } from './payment-metrics';
import { TypeOrmPaymentRepository } from './payment.repository';

const TIMER = new Date('2026-11-28T10:00:30.000Z');
let sequence = 0;

/** A payment with its own id (and legs), stored as the repository stores it. */
function stored(status: Payment['status'], changes: Partial<Payment>): Payment {
  sequence += 1;
  const suffix = String(sequence).padStart(12, '0');
  return samplePayment(
    status,
    {
      txnId: `KRM${'A'.repeat(20)}${suffix}`,
      debitRequestId: `11111111-1111-4111-8111-${suffix}`,
      creditRequestId: status === 'debit_pending' ? null : `22222222-2222-4222-8222-${suffix}`,
      reversalRequestId: status.startsWith('reversal_') ? `33333333-3333-4333-8333-${suffix}` : null,
      ...changes,
    },
    `0b6f7c1e-8a44-4c1e-9d2a-${suffix}`,
  );
}

/** The status-check and reversal gauges against the real payments table and its indexes. */
describe('payment backlog gauges (PostgreSQL)', () => {
  let database: MigratedTestDatabase;
  let payments: TypeOrmPaymentRepository;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    database = await createMigratedTestDatabase('payment_metrics', { entities: [...PAYMENT_ENTITIES, ...MESSAGING_ENTITIES], migrations: PAYMENTS_MIGRATIONS });
    payments = new TypeOrmPaymentRepository(database.dataSource);
  });
  afterAll(async () => database.close());

  async function store(...rows: Payment[]): Promise<void> {
    for (const row of rows) await payments.insert({ manager: database.dataSource.manager }, row);
  }

  it('counts legs unanswered after a status check by leg, and reversals owed by where they stand', async () => {
    const reversal = (status: 'reversal_pending' | 'reversal_failed', changes: Partial<Payment>): Payment =>
      stored(status, { reversalAttempts: 1, reversalDueBy: TIMER, resultCode: 'U31', ...changes });
    await store(
      stored('debit_pending', { legCheckAt: TIMER, legChecks: 0 }),
      stored('debit_pending', { legCheckAt: TIMER, legChecks: 2 }),
      stored('credit_pending', { legCheckAt: TIMER, legChecks: 1 }),
      reversal('reversal_pending', { legCheckAt: TIMER, legChecks: 1 }),
      reversal('reversal_pending', { legCheckAt: TIMER, legChecks: 0 }),
      reversal('reversal_failed', { legCheckAt: TIMER, reversalFailure: 'declined', reversalResultCode: 'XH' }),
      reversal('reversal_failed', { legCheckAt: null, reversalFailure: 'declined', reversalResultCode: 'XH', reversalAttempts: 4 }),
      reversal('reversal_failed', { legCheckAt: null, reversalFailure: 'unanswered', reversalResultCode: 'RB', reversalAttempts: 4 }),
      stored('completed', { resultCode: '00', rrn: '000000000042' }),
      stored('debit_failed', { resultCode: 'Z9' }),
    );

    expect(await readPaymentBacklog(database.dataSource)).toEqual({
      statusChecksPending: { debit: 1, credit: 1, reversal: 1 },
      reversalsPending: { in_flight: 2, retry_scheduled: 1, needs_operator: 2 },
    });
  });

  it('reads the partial indexes of the payments waiting, never the whole history', async () => {
    await database.dataSource.query('ANALYZE payments');
    const plan: string = await database.dataSource.transaction(async (manager) => {
      await manager.query('SET LOCAL enable_seqscan = off');
      const rows: { 'QUERY PLAN': string }[] = await manager.query(`EXPLAIN ${PAYMENT_BACKLOG_SQL}`);
      return rows.map((row) => row['QUERY PLAN']).join('\n');
    });
    expect(plan).toMatch(/payments_leg_check_at_idx/);
    expect(plan).toMatch(/payments_needs_operator_idx/);
    expect(plan).not.toMatch(/Seq Scan/);
  });

  it("shows them on payments' /metrics once the module points them at the database", async () => {
    new PaymentBacklogGauges(database.dataSource).onModuleInit();
    const text = await serviceMetrics.metrics();
    expect(text).toMatch(/^kirim_payment_status_checks_pending\{leg="credit"\} 1$/m);
    expect(text).toMatch(/^kirim_payment_reversals_pending\{state="needs_operator"\} 2$/m);
  });
});
