import type { EntityManager } from 'typeorm';
import type { InTransaction } from '@kirim/messaging';
import { InMemoryRecipientPreferences } from '../../testing/in-memory-recipient-preferences';
import { ApplyRecipientPreferences } from './apply-recipient-preferences.use-case';

const USER = '0b9a3c1e-5f6d-4c2b-8a1e-1f2d3c4b5a60';
const tx: InTransaction = { manager: {} as EntityManager };

describe('ApplyRecipientPreferences', () => {
  let preferences: InMemoryRecipientPreferences;
  let apply: ApplyRecipientPreferences;

  beforeEach(() => {
    preferences = new InMemoryRecipientPreferences();
    apply = new ApplyRecipientPreferences(preferences);
  });

  it("stores a user's first announcement, a field never set as null", async () => {
    const result = await apply.execute(tx, { preferences: { userId: USER, locale: 'hi-IN', changedAt: '2026-12-01T10:00:00.000Z' } });

    expect(result).toEqual({ applied: true });
    expect(preferences.rows.get(USER)).toEqual({ userId: USER, locale: 'hi-IN', timeZone: null, changedAt: new Date('2026-12-01T10:00:00.000Z') });
  });

  it('replaces what is stored with a newer announcement', async () => {
    await apply.execute(tx, { preferences: { userId: USER, locale: 'hi-IN', changedAt: '2026-12-01T10:00:00.000Z' } });

    const result = await apply.execute(tx, { preferences: { userId: USER, locale: 'pt-BR', timeZone: 'America/Sao_Paulo', changedAt: '2026-12-01T10:00:00.001Z' } });

    expect(result).toEqual({ applied: true });
    expect(preferences.rows.get(USER)).toMatchObject({ locale: 'pt-BR', timeZone: 'America/Sao_Paulo' });
  });

  it('keeps the newer preferences when an older announcement arrives after them (redelivery, replay)', async () => {
    await apply.execute(tx, { preferences: { userId: USER, locale: 'pt-BR', timeZone: 'America/Sao_Paulo', changedAt: '2026-12-01T10:05:00.000Z' } });

    const late = await apply.execute(tx, { preferences: { userId: USER, locale: 'hi-IN', timeZone: 'Asia/Kolkata', changedAt: '2026-12-01T10:00:00.000Z' } });
    const again = await apply.execute(tx, { preferences: { userId: USER, locale: 'id-ID', changedAt: '2026-12-01T10:05:00.000Z' } });

    expect([late, again]).toEqual([{ applied: false }, { applied: false }]);
    expect(preferences.rows.get(USER)).toEqual({ userId: USER, locale: 'pt-BR', timeZone: 'America/Sao_Paulo', changedAt: new Date('2026-12-01T10:05:00.000Z') });
  });

  it('stores the first announcement of a user known so far by app presence alone, keeping the presence', async () => {
    await preferences.saveAppPresenceIfNewer(tx, { userId: USER, hasApp: false, changedAt: new Date('2026-12-01T11:00:00.000Z') });

    const result = await apply.execute(tx, { preferences: { userId: USER, locale: 'id-ID', changedAt: '2026-12-01T10:00:00.000Z' } });

    expect(result).toEqual({ applied: true });
    expect(preferences.rows.get(USER)).toEqual({
      userId: USER,
      locale: 'id-ID',
      timeZone: null,
      changedAt: new Date('2026-12-01T10:00:00.000Z'),
      hasApp: false,
      appPresenceChangedAt: new Date('2026-12-01T11:00:00.000Z'),
    });
  });
});
