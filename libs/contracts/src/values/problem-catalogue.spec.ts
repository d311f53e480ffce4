import { isCataloguedProblem, PROBLEM_CATALOGUE, problemTypeUri } from './problem-catalogue';
import { PROBLEM_CODES } from './result-codes';

describe('the problem catalogue', () => {
  it('has an entry for every problem code and nothing else', () => {
    expect(Object.keys(PROBLEM_CATALOGUE).sort()).toEqual(Object.values(PROBLEM_CODES).sort());
  });

  it('gives each code a title and statuses of its class (4xx client, 5xx ours)', () => {
    for (const [code, entry] of Object.entries(PROBLEM_CATALOGUE)) {
      expect(entry.title.length).toBeGreaterThan(0);
      for (const status of entry.statuses) {
        expect(status >= 400 && status <= 599).toBe(true);
        if (code === PROBLEM_CODES.INTERNAL || code === PROBLEM_CODES.DEPENDENCY_UNAVAILABLE || code === PROBLEM_CODES.PAYMENTS_OVERLOADED) expect(status).toBeGreaterThanOrEqual(500);
        else expect(status).toBeLessThan(500);
      }
    }
  });

  it('gives every code its own type URI', () => {
    const types = Object.values(PROBLEM_CODES).map(problemTypeUri);
    expect(new Set(types).size).toBe(types.length);
    expect(problemTypeUri(PROBLEM_CODES.RATE_LIMITED)).toBe('https://kirim.dev/problems/rate-limited');
  });

  it('tells which (code, status) pairs a response may carry', () => {
    expect(isCataloguedProblem('payee-not-found', 422)).toBe(true);
    expect(isCataloguedProblem('payee-not-found', 500)).toBe(false);
    expect(isCataloguedProblem('no-such-code', 400)).toBe(false);
    expect(isCataloguedProblem('toString', 400)).toBe(false);
  });
});
