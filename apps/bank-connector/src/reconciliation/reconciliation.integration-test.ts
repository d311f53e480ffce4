import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { INestApplication, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { BankLegReport, EVENT_SOURCES, Money, RESULT_CODES } from '@kirim/contracts';
import { OutboxWriter, TransactionRunner, UnitOfWork } from '@kirim/messaging';
import { createLoggingModule, createServiceApp, JWT_ALGORITHM, JWT_ISSUER, ServiceAuthModule, TimeModule, typeOrmOptions } from '@kirim/platform';
import { createTestDatabase, TestDatabase, testDataProtection } from '@kirim/testing';
import { DataSource } from 'typeorm';
import { KafkaPartnerAdapter } from '../adapters/kafka-partner/kafka-partner.adapter';
import { bankConnectorDataSourceInput } from '../bank-connector.persistence';
import { PartnerLegRepository } from '../partner-banks/partner-leg.repository';
import { PartnerRegistry } from '../partner-banks/partner-registry';
import { TypeOrmPartnerLegRepository } from '../partner-banks/typeorm-partner-leg.repository';
import { SandboxLegInput } from '../sandbox-bank/sandbox-ledger.repository';
import { TypeOrmSandboxLedgerRepository } from '../sandbox-bank/typeorm-sandbox-ledger.repository';
import { onePartnerRegistry } from '../testing/bank-connector-fakes';
import { BankLegRecords } from './bank-leg-records.repository';
import { KafkaPartnerStatusRequests, PartnerStatusRequests } from './partner-status-requests';
import { ReconcileBankLegs } from './reconcile-bank-legs/reconcile-bank-legs.use-case';
import { ReconciliationController } from './reconciliation.controller';
import { TypeOrmBankLegRecords } from './typeorm-bank-leg-records.repository';

/*
 * INTERNAL_OPERATIONS.RECONCILE_BANK_LEGS over HTTP against real PostgreSQL: the sandbox ledger's
 * postings and entries, the partner legs bank-connector recorded, and the status request an
 * unanswered partner leg gets (written to the outbox in its transaction; the relay's publishing is
 * the messaging layer's own integration test). Service credentials: payments' own token only.
 */

const PATH = '/internal/v1/bank-leg-reconciliations';
let database: TestDatabase;
let app: INestApplication;
let baseUrl: string;
let dataSource: DataSource;
let ledger: TypeOrmSandboxLedgerRepository;
let partnerLegs: TypeOrmPartnerLegRepository;
let unitOfWork: UnitOfWork;
const tokens: Record<'payments' | 'identity' | 'user', string> = { payments: '', identity: '', user: '' };

beforeAll(async () => {
  process.env.LOG_LEVEL = 'silent';
  database = await createTestDatabase('bank_connector_reconciliation');
  const protection = testDataProtection();
  const { registry } = await onePartnerRegistry('XMPL');
  const { publicKey, privateKey } = await generateKeyPair(JWT_ALGORITHM);
  const keys = createLocalJWKSet({ keys: [{ ...(await exportJWK(publicKey)), kid: 'it', alg: JWT_ALGORITHM }] });
  const sign = (claims: Record<string, unknown>, subject: string, audience: string | string[]) =>
    new SignJWT(claims).setProtectedHeader({ alg: JWT_ALGORITHM, kid: 'it' }).setIssuer(JWT_ISSUER).setAudience(audience).setJti(randomUUID()).setSubject(subject).setIssuedAt().setExpirationTime('5m').sign(privateKey);
  tokens.payments = await sign({ client_id: 'payments' }, 'payments', 'bank-connector');
  tokens.identity = await sign({ client_id: 'identity' }, 'identity', 'bank-connector');
  tokens.user = await sign({}, randomUUID(), ['payments', 'bank-connector']);

  @Module({
    imports: [
      createLoggingModule('bank-connector-it'),
      TypeOrmModule.forRoot(typeOrmOptions(bankConnectorDataSourceInput(database.url, protection))),
      ServiceAuthModule.forRoot({ self: 'bank-connector', keyResolver: keys }),
      TimeModule,
    ],
    controllers: [ReconciliationController],
    providers: [
      ReconcileBankLegs,
      { provide: BankLegRecords, useClass: TypeOrmBankLegRecords },
      { provide: PartnerStatusRequests, useClass: KafkaPartnerStatusRequests },
      KafkaPartnerAdapter,
      { provide: PartnerRegistry, useValue: registry },
      { provide: PartnerLegRepository, useClass: TypeOrmPartnerLegRepository },
      { provide: TransactionRunner, inject: [DataSource], useFactory: (source: DataSource) => new UnitOfWork(source, new OutboxWriter(EVENT_SOURCES.BANK_CONNECTOR)) },
    ],
  })
  class ReconciliationTestModule {}
  app = await createServiceApp(ReconciliationTestModule, { serviceName: 'bank-connector-it', openApi: { title: 'it', description: 'it' } });
  await app.listen(0, '127.0.0.1');
  baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  dataSource = app.get(DataSource);
  ledger = new TypeOrmSandboxLedgerRepository(dataSource, protection.fields, protection.lookups);
  partnerLegs = new TypeOrmPartnerLegRepository();
  unitOfWork = new UnitOfWork(dataSource, new OutboxWriter(EVENT_SOURCES.BANK_CONNECTOR));
}, 60_000);

afterAll(async () => {
  await app?.close();
  await database?.drop();
});

async function openAccount(bankCode: string, openingMinor: bigint): Promise<string> {
  const mobile = `+9197${Math.floor(Math.random() * 1e8).toString().padStart(8, '0')}`;
  return (await ledger.openAccount({ bankCode, mobile, holderName: 'Reconciliation Holder', openingBalanceMinor: openingMinor, currency: 'INR' })).accountRef;
}

function sandboxLeg(overrides: Partial<SandboxLegInput> & Pick<SandboxLegInput, 'accountRef' | 'paymentId'>): SandboxLegInput {
  return { requestId: randomUUID(), purpose: 'payment', direction: 'debit', bankCode: 'SBXA', amountMinor: 50_000n, currency: 'INR', ...overrides };
}

const applyLeg = (leg: SandboxLegInput) => dataSource.transaction((manager) => ledger.applyLeg({ manager }, leg));

interface Answer {
  legs: BankLegReport[];
  unaskedLegs: BankLegReport[];
}

async function reconcile(legs: object[], token = tokens.payments): Promise<{ status: number; body: Answer & { code?: string } }> {
  const response = await fetch(`${baseUrl}${PATH}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ legs }) });
  return { status: response.status, body: (await response.json()) as Answer & { code?: string } };
}

const asked = (leg: SandboxLegInput, overrides: object = {}) => ({
  requestId: leg.requestId,
  paymentId: leg.paymentId,
  purpose: leg.purpose,
  direction: leg.direction,
  bankCode: leg.bankCode,
  accountRef: leg.accountRef,
  amount: { value: (Number(leg.amountMinor) / 100).toFixed(2), currency: 'INR' },
  ...overrides,
});

describe('reconcile-bank-legs (PostgreSQL, HTTP)', () => {
  it("answers from the sandbox ledger: what each leg's entries moved, the declines with their code, and legs no bank has", async () => {
    const payer = await openAccount('SBXA', 100_000n);
    const payee = await openAccount('SBXB', 0n);
    const paymentId = randomUUID();
    const debit = sandboxLeg({ paymentId, accountRef: payer });
    const credit = sandboxLeg({ paymentId, accountRef: payee, direction: 'credit', bankCode: 'SBXB' });
    const tooLarge = sandboxLeg({ paymentId: randomUUID(), accountRef: payer, amountMinor: 10_000_000n });
    expect(await applyLeg(debit)).toMatchObject({ approved: true });
    expect(await applyLeg(credit)).toMatchObject({ approved: true });
    expect(await applyLeg(tooLarge)).toMatchObject({ approved: false, resultCode: RESULT_CODES.INSUFFICIENT_FUNDS });
    const neverSent = { ...asked(credit), requestId: randomUUID() };

    const { status, body } = await reconcile([asked(debit), asked(credit), asked(tooLarge), neverSent]);

    expect(status).toBe(200);
    expect(body.legs.map((leg) => [leg.requestId, leg.state, leg.source, leg.resultCode ?? null, leg.recorded?.direction ?? null, leg.recorded?.amount.value ?? null])).toEqual([
      [debit.requestId, 'applied', 'sandbox-ledger', '00', 'debit', '500.00'],
      [credit.requestId, 'applied', 'sandbox-ledger', '00', 'credit', '500.00'],
      [tooLarge.requestId, 'declined', 'sandbox-ledger', 'Z9', 'debit', '100000.00'],
      [neverSent.requestId, 'not-found', 'none', null, null, null],
    ]);
    expect(body.legs[0].rrn).toMatch(/^\d{12}$/);
    expect(body.unaskedLegs).toEqual([]);
  });

  it('reports what the ledger moved even when payments asks about another amount or account: payments judges the difference', async () => {
    const payer = await openAccount('SBXA', 100_000n);
    const debit = sandboxLeg({ paymentId: randomUUID(), accountRef: payer, amountMinor: 30_000n });
    await applyLeg(debit);
    const { body } = await reconcile([asked(debit, { amount: { value: '500.00', currency: 'INR' }, accountRef: randomUUID() })]);
    expect(body.legs[0]).toMatchObject({ state: 'applied', recorded: { accountRef: payer, direction: 'debit', amount: { value: '300.00', currency: 'INR' } } });
  });

  it('lists legs the ledger holds for the same payment that were not asked about', async () => {
    const payer = await openAccount('SBXA', 100_000n);
    const paymentId = randomUUID();
    const debit = sandboxLeg({ paymentId, accountRef: payer });
    const reversal = sandboxLeg({ paymentId, accountRef: payer, direction: 'credit', purpose: 'reversal' });
    await applyLeg(debit);
    await applyLeg(reversal);
    const { body } = await reconcile([asked(debit)]);
    expect(body.unaskedLegs).toEqual([expect.objectContaining({ requestId: reversal.requestId, state: 'applied', recorded: expect.objectContaining({ purpose: 'reversal', direction: 'credit' }) })]);
  });

  it("answers partner legs from the bank's recorded answer, and sends an unanswered one to its bank again, reporting it unknown", async () => {
    const answeredId = randomUUID();
    const waitingId = randomUUID();
    const paymentId = randomUUID();
    const accountRef = randomUUID();
    const leg = (requestId: string) => ({ requestId, paymentId, txnId: `KRM${'1'.repeat(32)}`, purpose: 'payment' as const, direction: 'credit' as const, bankCode: 'XMPL', accountRef, amount: Money.ofMinor(50_000n, 'INR'), forwardedAt: new Date() });
    await unitOfWork.run(async (tx) => {
      for (const requestId of [answeredId, waitingId]) await partnerLegs.recordForwarded(tx, leg(requestId));
      await partnerLegs.recordAnswer(tx, answeredId, { approved: true, rrn: '000000000123' }, new Date());
    });
    const outboxBefore = await dataSource.query<{ count: string }[]>(`SELECT count(*)::text AS count FROM outbox_messages`);

    const partnerLeg = (requestId: string) => ({ requestId, paymentId, purpose: 'payment', direction: 'credit', bankCode: 'XMPL', accountRef, amount: { value: '500.00', currency: 'INR' } });
    const { status, body } = await reconcile([partnerLeg(answeredId), partnerLeg(waitingId)]);

    expect(status).toBe(200);
    expect(body.legs.map((report) => [report.state, report.source, report.statusRequested, report.rrn ?? null])).toEqual([
      ['applied', 'partner-answer', false, '000000000123'],
      ['unknown', 'partner-unanswered', true, null],
    ]);
    const requests = await dataSource.query<{ type: string; record_key: string; data: { requestId: string; encryptedPin?: string } }[]>(
      `SELECT type, record_key, data FROM outbox_messages ORDER BY position OFFSET $1`,
      [Number(outboxBefore[0].count)],
    );
    expect(requests).toEqual([{ type: 'partner.credit.requested.v1', record_key: paymentId, data: expect.objectContaining({ requestId: waitingId }) }]);
    expect(requests[0].data.encryptedPin).toBeUndefined();
    const [{ forwards }] = await dataSource.query<{ forwards: number }[]>(`SELECT forwards FROM partner_legs WHERE request_id = $1`, [waitingId]);
    expect(forwards).toBe(2);
  });

  it("refuses a user token and another service's token, and validates what payments sends", async () => {
    const leg = { requestId: randomUUID(), paymentId: randomUUID(), purpose: 'payment', direction: 'debit', bankCode: 'SBXA', accountRef: randomUUID(), amount: { value: '1.00', currency: 'INR' } };
    expect((await reconcile([leg], tokens.identity)).body).toMatchObject({ status: 403, code: 'forbidden' });
    expect((await reconcile([leg], tokens.user)).body).toMatchObject({ status: 403, code: 'forbidden' });
    const invalid = await reconcile([{ ...leg, amount: { value: '1.001', currency: 'INR' }, direction: 'sideways' }]);
    expect(invalid.status).toBe(400);
    expect(invalid.body).toMatchObject({ code: 'validation-failed' });
    expect((await reconcile([])).status).toBe(400);
  });
});
