import { AttemptHistory, nextStep, PayAnswer, retryAfterMs, SHED_WAIT_CAP_MS, THROTTLED_RETRIES } from './open-loop-answers';

const FIRST: AttemptHistory = { attempts: 1, shedAnswers: 0, throttledAnswers: 0, patienceSpent: false, fateUnknown: false };
const backoff = (attempt: number): number => attempt * 100;
const answered = (status: number, retryAfter?: string, problemCode?: string, resultCode?: string): PayAnswer => ({ kind: 'answered', status, retryAfter, problemCode, resultCode });

describe('nextStep: what the open-loop client does with an answer', () => {
  it('takes 202 and 200 (the replay of a lost answer) as accepted', () => {
    expect(nextStep(answered(202), FIRST, backoff)).toEqual({ kind: 'accepted' });
    expect(nextStep(answered(200), { ...FIRST, attempts: 3 }, backoff)).toEqual({ kind: 'accepted' });
  });

  it('sends a shed payment (503 + Retry-After) once more after Retry-After, then counts it shed', () => {
    expect(nextStep(answered(503, '2'), FIRST, backoff)).toEqual({ kind: 'retry', afterMs: 2000, because: 'shed' });
    expect(nextStep(answered(503, '2'), { ...FIRST, attempts: 2, shedAnswers: 1 }, backoff)).toEqual({ kind: 'shed' });
  });

  it('never counts shed a payment an earlier unanswered attempt may have placed: asks again with its key until an answer settles it', () => {
    const afterA504 = { ...FIRST, attempts: 3, shedAnswers: 1, fateUnknown: true };
    expect(nextStep(answered(503, '1'), afterA504, backoff)).toEqual({ kind: 'retry', afterMs: 1000, because: 'shed' });
    expect(nextStep(answered(200), { ...afterA504, shedAnswers: 5 }, backoff)).toEqual({ kind: 'accepted' });
    expect(nextStep(answered(503, '1'), { ...afterA504, patienceSpent: true }, backoff)).toEqual({ kind: 'unanswered', problem: 'shed, after an attempt that got no answer' });
  });

  it('waits no longer than the cap, however long Retry-After says', () => {
    expect(nextStep(answered(503, '120'), FIRST, backoff)).toEqual({ kind: 'retry', afterMs: SHED_WAIT_CAP_MS, because: 'shed' });
  });

  it('treats a 503 without Retry-After as no answer (a service away), retried with backoff until the patience is spent', () => {
    expect(nextStep(answered(503), { ...FIRST, attempts: 2 }, backoff)).toEqual({ kind: 'retry', afterMs: 200, because: 'no-answer' });
    expect(nextStep(answered(502), { ...FIRST, patienceSpent: true }, backoff)).toEqual({ kind: 'unanswered', problem: 'answered 502' });
    expect(nextStep({ kind: 'no-answer', problem: 'ECONNRESET' }, FIRST, backoff)).toEqual({ kind: 'retry', afterMs: 100, because: 'no-answer' });
    expect(nextStep({ kind: 'no-answer', problem: 'ECONNRESET' }, { ...FIRST, patienceSpent: true }, backoff)).toEqual({ kind: 'unanswered', problem: 'ECONNRESET' });
  });

  it('retries a 429 after Retry-After a few times, then takes it as a refusal', () => {
    expect(nextStep(answered(429, '1', 'rate-limited'), FIRST, backoff)).toEqual({ kind: 'retry', afterMs: 1000, because: 'throttled' });
    expect(nextStep(answered(429, undefined, 'rate-limited'), FIRST, backoff)).toEqual({ kind: 'retry', afterMs: 1000, because: 'throttled' });
    expect(nextStep(answered(429, '1', 'rate-limited'), { ...FIRST, throttledAnswers: THROTTLED_RETRIES }, backoff)).toEqual({ kind: 'refused', code: '429 rate-limited' });
  });

  it('renews the session on a 401, and refuses for good on any other 4xx with its codes', () => {
    expect(nextStep(answered(401), FIRST, backoff)).toEqual({ kind: 'retry', afterMs: 0, because: 'unauthorized' });
    expect(nextStep(answered(422, undefined, 'limit-exceeded', 'U16'), FIRST, backoff)).toEqual({ kind: 'refused', code: '422 limit-exceeded (U16)' });
    expect(nextStep(answered(400), FIRST, backoff)).toEqual({ kind: 'refused', code: '400 no-code' });
  });
});

describe('retryAfterMs', () => {
  it('reads delta-seconds, and nothing else', () => {
    expect(retryAfterMs('3')).toBe(3000);
    expect(retryAfterMs('0')).toBe(0);
    expect(retryAfterMs(undefined)).toBeUndefined();
    expect(retryAfterMs('')).toBeUndefined();
    expect(retryAfterMs('Wed, 21 Oct 2026 07:28:00 GMT')).toBeUndefined();
  });
});
