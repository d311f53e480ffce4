import type { EntityManager } from 'typeorm';
import type { InTransaction } from '@kirim/messaging';
import { InMemoryRecipientPreferences } from '../../testing/in-memory-recipient-preferences';
import { ApplyRecipientPreferences } from '../apply-recipient-preferences/apply-recipient-preferences.use-case';
import { ApplyAppPresence } from './apply-app-presence.use-case';

const USER = '0b9a3c1e-5f6d-4c2b-8a1e-1f2d3c4b5a60';
const tx: InTransaction = { manager: {} as EntityManager };

describe('ApplyAppPresence', () => {
  let preferences: InMemoryRecipientPreferences;
  let apply: ApplyAppPresence;

  beforeEach(() => {
    preferences = new InMemoryRecipientPreferences();
    apply = new ApplyAppPresence(preferences);
  });

  it('stores the presence of a user identity announced nothing else for, with no language or zone', async () => {
    const result = await apply.execute(tx, { presence: { userId: USER, hasApp: false, changedAt: '2026-12-01T10:00:00.000Z' } });

    expect(result).toEqual({ applied: true });
    expect(preferences.rows.get(USER)).toEqual({ userId: USER, locale: null, timeZone: null, changedAt: null, hasApp: false, appPresenceChangedAt: new Date('2026-12-01T10:00:00.000Z') });
  });

  it('keeps the newer presence when an older one arrives after it (redelivery, replay), and the same one twice changes nothing', async () => {
    await apply.execute(tx, { presence: { userId: USER, hasApp: true, changedAt: '2026-12-01T10:05:00.000Z' } });

    const late = await apply.execute(tx, { presence: { userId: USER, hasApp: false, changedAt: '2026-12-01T10:00:00.000Z' } });
    const again = await apply.execute(tx, { presence: { userId: USER, hasApp: false, changedAt: '2026-12-01T10:05:00.000Z' } });
    const newer = await apply.execute(tx, { presence: { userId: USER, hasApp: false, changedAt: '2026-12-01T10:05:00.001Z' } });

    expect([late, again, newer]).toEqual([{ applied: false }, { applied: false }, { applied: true }]);
    expect(preferences.rows.get(USER)).toMatchObject({ hasApp: false, appPresenceChangedAt: new Date('2026-12-01T10:05:00.001Z') });
  });

  it("orders presence and language each by its own changedAt: neither's time holds the other back, nor overwrites it", async () => {
    const applyPreferences = new ApplyRecipientPreferences(preferences);
    await applyPreferences.execute(tx, { preferences: { userId: USER, locale: 'hi-IN', changedAt: '2026-12-01T12:00:00.000Z' } });

    // Older than the language's change, yet the first presence: stored.
    expect(await apply.execute(tx, { presence: { userId: USER, hasApp: false, changedAt: '2026-12-01T09:00:00.000Z' } })).toEqual({ applied: true });
    // Newer than the presence but older than the stored language: not stored.
    expect(await applyPreferences.execute(tx, { preferences: { userId: USER, locale: 'pt-BR', changedAt: '2026-12-01T10:00:00.000Z' } })).toEqual({ applied: false });

    expect(preferences.rows.get(USER)).toEqual({
      userId: USER,
      locale: 'hi-IN',
      timeZone: null,
      changedAt: new Date('2026-12-01T12:00:00.000Z'),
      hasApp: false,
      appPresenceChangedAt: new Date('2026-12-01T09:00:00.000Z'),
    });
  });
});
