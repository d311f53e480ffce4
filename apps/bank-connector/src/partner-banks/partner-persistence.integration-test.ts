import 'reflect-metadata';
import { createHash, randomUUID } from 'node:crypto';
import { Money } from '@kirim/contracts';
import { createMigratedTestDatabase, MigratedTestDatabase, testDataProtection } from '@kirim/testing';
import { TypeOrmPartnerAccountLookupRepository } from '../bank-accounts/typeorm-partner-account-lookup.repository';
import { bankConnectorSchema } from '../bank-connector.persistence';
import type { NewPartnerLeg } from './partner-leg';
import { TypeOrmPartnerLegRepository } from './typeorm-partner-leg.repository';

/* What bank-connector keeps of partner banks, against real PostgreSQL and the service's migrations. */

let database: MigratedTestDatabase;
const legs = new TypeOrmPartnerLegRepository();
let lookups: TypeOrmPartnerAccountLookupRepository;
const protection = testDataProtection();

beforeAll(async () => {
  database = await createMigratedTestDatabase('bank_connector_partners', bankConnectorSchema(protection), { poolSize: 6 });
  lookups = new TypeOrmPartnerAccountLookupRepository(database.dataSource, protection.lookups, protection.fields);
}, 30_000);

afterAll(async () => {
  await database?.close();
});

function newLeg(overrides: Partial<NewPartnerLeg> = {}): NewPartnerLeg {
  return {
    requestId: randomUUID(),
    paymentId: randomUUID(),
    txnId: `KRM${randomUUID().replace(/-/g, '').toUpperCase()}`,
    purpose: 'payment',
    direction: 'debit',
    bankCode: 'XMPL',
    accountRef: randomUUID(),
    amount: Money.ofMinor(12_345n, 'INR'),
    forwardedAt: new Date('2026-11-30T10:00:00.000Z'),
    ...overrides,
  };
}

describe('partner legs (PostgreSQL)', () => {
  it('records a leg once per request id and gives back what was first recorded', async () => {
    const leg = newLeg();
    const first = await database.dataSource.transaction((manager) => legs.recordForwarded({ manager }, leg));
    const again = await database.dataSource.transaction((manager) => legs.recordForwarded({ manager }, { ...leg, amount: Money.ofMinor(1n, 'INR') }));

    expect(first).toMatchObject({ created: true, leg: { requestId: leg.requestId, forwards: 1, answer: null } });
    expect(again.created).toBe(false);
    expect(again.leg.amount.minorUnits).toBe(12_345n);
    expect(again.leg.txnId).toBe(leg.txnId);
  });

  it('counts status checks and records the answer', async () => {
    const leg = newLeg({ direction: 'credit', purpose: 'reversal' });
    await database.dataSource.transaction(async (manager) => {
      await legs.recordForwarded({ manager }, leg);
      await legs.countForward({ manager }, leg.requestId);
      await legs.recordAnswer({ manager }, leg.requestId, { approved: false, resultCode: 'XI', reason: 'no such account' }, new Date('2026-11-30T10:00:01.000Z'));
    });
    const stored = await database.dataSource.transaction((manager) => legs.lockByRequestId({ manager }, leg.requestId));
    expect(stored).toMatchObject({ direction: 'credit', purpose: 'reversal', forwards: 2, answer: { approved: false, resultCode: 'XI', reason: 'no such account' } });
  });

  it('refuses, in the database itself, an answer that claims success without an rrn', async () => {
    const leg = newLeg();
    await database.dataSource.transaction((manager) => legs.recordForwarded({ manager }, leg));
    await expect(database.dataSource.query(`UPDATE partner_legs SET result_code = '00', answered_at = now() WHERE request_id = $1`, [leg.requestId])).rejects.toThrow(/partner_legs_rrn_on_success/);
  });
});

describe('partner account lookups (PostgreSQL)', () => {
  const account = { accountRef: randomUUID(), maskedAccountNumber: 'XXXXXXXX4321', holderName: 'Asha Rao' };

  it("hands a waiting request the answer another connection records, and nothing once its time is up", async () => {
    const lookupId = randomUUID();
    const requestedAt = new Date();
    await database.dataSource.transaction((manager) => lookups.recordRequested({ manager }, { lookupId, bankCode: 'XMPL', mobile: '+919800000042', requestedAt }));

    const waiting = lookups.waitForAnswer(lookupId, 5_000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await database.dataSource.transaction((manager) => lookups.recordAnswer({ manager }, lookupId, [account], new Date()));

    await expect(waiting).resolves.toEqual([account]);
    await expect(lookups.findAnswerSince('XMPL', '+919800000042', requestedAt)).resolves.toEqual([account]);
    // The same number written with spaces is the same number; another number is not.
    await expect(lookups.findAnswerSince('XMPL', '+91 98000 00042', requestedAt)).resolves.toEqual([account]);
    await expect(lookups.findAnswerSince('XMPL', '+919800000043', requestedAt)).resolves.toBeNull();
    await expect(lookups.waitForAnswer(randomUUID(), 150)).resolves.toBeNull();
    // The holder's name is stored encrypted, never in clear.
    const [stored] = await database.dataSource.query<Array<{ accounts: unknown }>>(`SELECT accounts FROM partner_account_lookups WHERE lookup_id = $1`, [lookupId]);
    expect(JSON.stringify(stored.accounts)).not.toContain('Asha');
  });

  it('keeps the keyed hash of the number, never the number nor its plain SHA-256', async () => {
    const lookupId = randomUUID();
    await database.dataSource.transaction((manager) => lookups.recordRequested({ manager }, { lookupId, bankCode: 'XMPL', mobile: '+919811112222', requestedAt: new Date() }));
    const [row] = await database.dataSource.query<Array<Record<string, unknown>>>(`SELECT * FROM partner_account_lookups WHERE lookup_id = $1`, [lookupId]);
    expect(JSON.stringify(row)).not.toContain('919811112222');
    expect(row?.['mobile_hash']).toBe(protection.lookups.phoneNumber('+919811112222'));
    expect(row?.['mobile_hash']).not.toBe(createHash('sha256').update('+919811112222').digest('base64url'));
  });

  it('forgets lookups older than the cutoff', async () => {
    const old = randomUUID();
    await database.dataSource.transaction((manager) => lookups.recordRequested({ manager }, { lookupId: old, bankCode: 'XMPL', mobile: '+919811113333', requestedAt: new Date('2020-01-01T00:00:00Z') }));
    expect(await lookups.deleteRequestedBefore(new Date('2021-01-01T00:00:00Z'))).toBe(1);
    await expect(database.dataSource.transaction((manager) => lookups.lockById({ manager }, old))).resolves.toBeNull();
  });
});
