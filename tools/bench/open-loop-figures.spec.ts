import { clientFellBehind, steadyCompletionRate, stepFigures, TimedPayment } from './open-loop-figures';
import { LatencyRecorder } from './latency';

const START = 1_700_000_000_000;
const WINDOW = { fromMs: 2000, toMs: 10_000 };

/** Within HdrHistogram's 3 significant digits. */
function expectNear(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(expected * 0.002 + 0.01);
}

describe('stepFigures: latency from the scheduled moment', () => {
  it('counts the time a payment waited to be sent: scheduled -> accepted, not sent -> accepted', () => {
    // Due at 3 s; the client sent it 100 ms late and the 202 came 10 ms after that.
    const late: TimedPayment = { scheduledAt: START + 3000, acceptedAt: START + 3110, finalAt: START + 3500, status: 'completed' };
    const figures = stepFigures([late], START, WINDOW);
    expectNear(figures.scheduledToAccepted.p50Ms, 110);
    expectNear(figures.scheduledToFinal.p50Ms, 500);
    expectNear(figures.acceptedToFinal.p50Ms, 390);
  });

  it('gives the percentiles of the payments due in the steady window', () => {
    // 1000 payments due 8 ms apart across the window; payment k takes k + 1 ms from due to final.
    const payments: TimedPayment[] = Array.from({ length: 1000 }, (_, k) => ({
      scheduledAt: START + 2000 + k * 8,
      acceptedAt: START + 2000 + k * 8 + 1,
      finalAt: START + 2000 + k * 8 + (k + 1),
      status: 'completed',
    }));
    const figures = stepFigures(payments, START, WINDOW);
    expect(figures.scheduledInWindow).toBe(1000);
    expect(figures.scheduledToFinal.count).toBe(1000);
    expectNear(figures.scheduledToFinal.p50Ms, 500);
    expectNear(figures.scheduledToFinal.p90Ms, 900);
    expectNear(figures.scheduledToFinal.p99Ms, 990);
    expectNear(figures.scheduledToFinal.p999Ms, 999);
    expectNear(figures.scheduledToFinal.maxMs, 1000);
  });

  it('leaves payments due in the warm-up or after the schedule out of the latency, whenever they end', () => {
    const payments: TimedPayment[] = [
      // due in the warm-up: a completion, not a latency
      { scheduledAt: START + 500, acceptedAt: START + 600, finalAt: START + 2500, status: 'completed' },
      // due inside, completed inside
      { scheduledAt: START + 4000, acceptedAt: START + 4010, finalAt: START + 4200, status: 'completed' },
      // due inside, completed long after the schedule ended (a backlog drained): counted, from its due moment
      { scheduledAt: START + 9000, acceptedAt: START + 9010, finalAt: START + 30_000, status: 'completed' },
      // due inside, failed: a final moment (latency) but no completion
      { scheduledAt: START + 5000, acceptedAt: START + 5010, finalAt: START + 5300, status: 'debit_failed' },
      // due inside, never final: accepted, but no final latency
      { scheduledAt: START + 6000, acceptedAt: START + 6010, status: 'debit_pending' },
      // due inside, never accepted (shed or refused)
      { scheduledAt: START + 7000 },
    ];
    const figures = stepFigures(payments, START, WINDOW);
    expect(figures.window).toEqual({ fromSeconds: 2, toSeconds: 10 });
    expect(figures.scheduledInWindow).toBe(5);
    expect(figures.scheduledToAccepted.count).toBe(4);
    expect(figures.scheduledToFinal.count).toBe(3);
    expectNear(figures.scheduledToFinal.maxMs, 21_000);
    expect(figures.acceptedToFinal.count).toBe(3);
    expect(figures.completed).toBe(3);
  });
});

describe('steadyCompletionRate: what the stack sustained', () => {
  it('is the offered rate when the stack keeps up, the first and last tenth left out', () => {
    // 20/s for 10 s, each completing 300 ms after it was due.
    const finalAts = Array.from({ length: 200 }, (_, i) => START + 300 + i * 50);
    const rate = steadyCompletionRate(finalAts);
    expect(rate.perSecond).toBe(20);
    expect(rate.completions).toBe(160);
    expect(rate.seconds).toBe(7.95);
  });

  it('is the pace at which the stack drained its backlog when it did not keep up, after the schedule ended', () => {
    // 200 payments offered within 10 s, completed 5 per second from 40 s on.
    const finalAts = Array.from({ length: 200 }, (_, i) => START + 40_000 + i * 200);
    expect(steadyCompletionRate(finalAts).perSecond).toBe(5);
  });

  it('does not let a straggler (a leg that waited for a status check) stretch the time', () => {
    const finalAts = [...Array.from({ length: 99 }, (_, i) => START + i * 100), START + 600_000];
    expect(steadyCompletionRate(finalAts).perSecond).toBe(10);
  });

  it('is 0 with fewer than two completions, in any order given', () => {
    expect(steadyCompletionRate([]).perSecond).toBe(0);
    expect(steadyCompletionRate([START]).perSecond).toBe(0);
    expect(steadyCompletionRate([START + 1000, START]).perSecond).toBe(1);
  });
});

describe('clientFellBehind', () => {
  const lag = (ms: number[]) => {
    const recorder = new LatencyRecorder();
    for (const value of ms) recorder.recordMs(value);
    return recorder.summary();
  };

  it('is false when the client sent on time and had every payment prepared', () => {
    expect(clientFellBehind(lag(Array.from({ length: 100 }, () => 1)), 0)).toBe(false);
  });

  it('is true when its send lag p99 is past the limit, or a payment was not prepared in time', () => {
    expect(clientFellBehind(lag([...Array.from({ length: 95 }, () => 1), ...Array.from({ length: 5 }, () => 80)]), 0)).toBe(true);
    expect(clientFellBehind(lag([1, 1, 1]), 1)).toBe(true);
  });
});
