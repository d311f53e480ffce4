import { EVENT_TYPES } from '@kirim/contracts';
import { FixedClock } from '@kirim/testing';
import { aUser, FakeTransactions, InMemoryUsers } from '../../testing/in-memory-identity.fakes';
import { UpdatePreferences } from './update-preferences.use-case';

describe('UpdatePreferences', () => {
  const userId = '11111111-1111-4111-8111-111111111111';
  let transactions: FakeTransactions;
  let users: InMemoryUsers;
  let clock: FixedClock;
  let update: UpdatePreferences;

  beforeEach(() => {
    transactions = new FakeTransactions();
    users = new InMemoryUsers();
    users.add(aUser({ id: userId, phone: '+919876500001', displayName: 'Asha Kumari' }));
    clock = new FixedClock(new Date('2026-12-01T10:00:00.000Z'));
    update = new UpdatePreferences(transactions, users, clock);
  });

  it('stores the canonical tag and the zone as given, and announces both keyed by the user, without phone or name', async () => {
    const result = await update.execute({ userId, locale: 'HI-in', timeZone: 'Asia/Kolkata' });

    expect(result).toMatchObject({ ok: true, changed: true, user: { preferences: { locale: 'hi-IN', timeZone: 'Asia/Kolkata', changedAt: clock.now() } } });
    expect((await users.findById(userId))?.preferences).toEqual({ locale: 'hi-IN', timeZone: 'Asia/Kolkata', changedAt: clock.now() });
    expect(transactions.published).toEqual([
      { type: EVENT_TYPES.USER_PREFERENCES_CHANGED, key: userId, data: { userId, locale: 'hi-IN', timeZone: 'Asia/Kolkata', changedAt: '2026-12-01T10:00:00.000Z' } },
    ]);
    const text = JSON.stringify(transactions.published);
    expect(text).not.toContain('9876500001');
    expect(text).not.toContain('Asha');
  });

  it('keeps what is left out, and announces the preferences as they now stand', async () => {
    await update.execute({ userId, locale: 'pt-BR' });
    clock.current = new Date('2026-12-01T10:05:00.000Z');

    await update.execute({ userId, timeZone: 'America/Sao_Paulo' });

    expect((await users.findById(userId))?.preferences).toMatchObject({ locale: 'pt-BR', timeZone: 'America/Sao_Paulo' });
    expect(transactions.published.map((event) => event.data)).toEqual([
      { userId, locale: 'pt-BR', changedAt: '2026-12-01T10:00:00.000Z' },
      { userId, locale: 'pt-BR', timeZone: 'America/Sao_Paulo', changedAt: '2026-12-01T10:05:00.000Z' },
    ]);
  });

  it('stores and announces nothing when nothing changes', async () => {
    await update.execute({ userId, locale: 'hi-IN', timeZone: 'Asia/Kolkata' });

    const again = await update.execute({ userId, locale: 'hi-in', timeZone: 'Asia/Kolkata' });

    expect(again).toMatchObject({ ok: true, changed: false });
    expect(transactions.published).toHaveLength(1);
  });

  it('gives a later change a later changedAt even when the clock has not moved on', async () => {
    await update.execute({ userId, locale: 'hi-IN' });

    await update.execute({ userId, locale: 'en-IN' });

    expect(transactions.published.map((event) => (event.data as { changedAt: string }).changedAt)).toEqual(['2026-12-01T10:00:00.000Z', '2026-12-01T10:00:00.001Z']);
  });

  it.each([
    [{ locale: 'en_US' }, 'invalid-locale'],
    [{ locale: 'x'.repeat(36) }, 'invalid-locale'],
    [{ locale: '' }, 'invalid-locale'],
    [{ timeZone: 'Mars/Olympus_Mons' }, 'invalid-time-zone'],
    [{ timeZone: '+05:30' }, 'invalid-time-zone'],
  ] as const)('refuses %j as %s, storing and announcing nothing', async (values, code) => {
    const result = await update.execute({ userId, ...values });

    expect(result).toEqual({ ok: false, code });
    expect((await users.findById(userId))?.preferences).toBeUndefined();
    expect(transactions.published).toEqual([]);
  });

  it('refuses a user that does not exist', async () => {
    expect(await update.execute({ userId: '22222222-2222-4222-8222-222222222222', locale: 'hi-IN' })).toEqual({ ok: false, code: 'user-not-found' });
    expect(transactions.published).toEqual([]);
  });
});
