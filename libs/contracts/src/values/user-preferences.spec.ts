import { UserPreferencesChanged } from '../events/identity';
import { validatePayload } from '../validation';
import { canonicalLocaleTag, isIanaTimeZone } from './user-preferences';

describe('user preferences', () => {
  it('canonicalizes a BCP 47 tag, and refuses what is not one tag of at most 35 characters', () => {
    expect(canonicalLocaleTag('HI-in')).toBe('hi-IN');
    expect(canonicalLocaleTag('pt-br')).toBe('pt-BR');
    expect(canonicalLocaleTag('iw')).toBe('he');
    for (const bad of ['', 'en_US', 'hi-IN,en', 'x'.repeat(36), `en-${'abcdefgh-'.repeat(4)}x`, 42, null, undefined]) {
      expect({ bad, canonical: canonicalLocaleTag(bad) }).toEqual({ bad, canonical: null });
    }
  });

  it('knows the IANA zones Intl knows, and nothing else', () => {
    expect(['Asia/Kolkata', 'America/Sao_Paulo', 'UTC', 'asia/kolkata'].every(isIanaTimeZone)).toBe(true);
    for (const bad of ['', 'Asia/Atlantis', '+05:30', 'IST+5', 'x'.repeat(65), 5]) expect({ bad, known: isIanaTimeZone(bad) }).toEqual({ bad, known: false });
  });

  it('validates identity.user.preferences-changed.v1 with the same rules', () => {
    const base = { userId: '0b9a3c1e-5f6d-4c2b-8a1e-1f2d3c4b5a60', changedAt: '2026-12-01T10:00:00.000Z' };
    expect(validatePayload(UserPreferencesChanged, { ...base, locale: 'hi-IN', timeZone: 'Asia/Kolkata' }).ok).toBe(true);
    expect(validatePayload(UserPreferencesChanged, base).ok).toBe(true);
    expect(validatePayload(UserPreferencesChanged, { ...base, locale: 'en_US' })).toEqual({ ok: false, errors: [expect.stringMatching(/^locale/)] });
    expect(validatePayload(UserPreferencesChanged, { ...base, timeZone: 'Mars/Olympus_Mons' })).toEqual({ ok: false, errors: [expect.stringMatching(/^timeZone/)] });
    expect(validatePayload(UserPreferencesChanged, { ...base, locale: 'hi-IN', phone: '+919876543210' }).ok).toBe(false);
  });
});
