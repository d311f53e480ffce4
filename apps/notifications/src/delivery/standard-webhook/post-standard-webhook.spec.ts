import { outcomeOf } from './post-standard-webhook';

describe('outcomeOf', () => {
  const now = new Date('2026-11-28T10:00:00.000Z');

  it.each([200, 201, 202, 204, 299])('%i is delivered', (status) => {
    expect(outcomeOf(status, null, now)).toEqual({ kind: 'delivered' });
  });

  it.each([408, 429, 500, 502, 503, 504])('%i is retried', (status) => {
    expect(outcomeOf(status, null, now)).toEqual({ kind: 'retryable', reason: `HTTP ${status}` });
  });

  it.each([301, 302, 400, 401, 403, 404, 410, 413, 422])('%i is permanent', (status) => {
    expect(outcomeOf(status, '10', now)).toEqual({ kind: 'permanent', reason: `HTTP ${status}` });
  });
});
