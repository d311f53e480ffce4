import { AcceptedPayment } from './run-verdict';
import { untilEventsSayFinal } from './wait-until-final';

const accepted = (paymentId: string): AcceptedPayment => ({ paymentId, payerUserId: 'u', payerAccountRef: 'a', payeeAccountRef: 'b', amountMinor: 100n, acceptedAt: 0 });

/** A watch whose final events arrive at the given clock times; the clock moves by each poll's 100 ms. */
function scripted(arrivals: Record<string, number>): { watch: { finalSeenAt(paymentId: string): number | undefined }; now: () => number; tick: () => void } {
  let clock = 0;
  return {
    watch: { finalSeenAt: (paymentId) => (arrivals[paymentId] !== undefined && arrivals[paymentId] <= clock ? arrivals[paymentId] : undefined) },
    now: () => clock,
    tick: () => {
      clock += 100;
    },
  };
}

describe('untilEventsSayFinal', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  async function run(arrivals: Record<string, number>, payments: string[], deadlineAt: number, stallMs: number): Promise<{ outcome: string; at: number }> {
    const { watch, now, tick } = scripted(arrivals);
    const done = untilEventsSayFinal(payments.map(accepted), watch, deadlineAt, { stallMs, pollMs: 100, now });
    let outcome: string | undefined;
    void done.then((value) => (outcome = value));
    while (outcome === undefined) {
      tick();
      await jest.advanceTimersByTimeAsync(100);
    }
    return { outcome, at: now() };
  }

  it('returns as soon as every final event has been seen', async () => {
    expect(await run({ p1: 300, p2: 1_200 }, ['p1', 'p2'], 60_000, 10_000)).toEqual({ outcome: 'all-seen', at: 1_200 });
  });

  it('stops waiting when no new event came for the stall bound, counting from the last one seen', async () => {
    expect(await run({ p1: 2_000 }, ['p1', 'p2'], 60_000, 5_000)).toEqual({ outcome: 'stalled', at: 7_000 });
  });

  it('stops at the deadline though events still come', async () => {
    const arrivals = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`p${i}`, (i + 1) * 1_000]));
    expect(await run(arrivals, Object.keys(arrivals), 30_000, 5_000)).toEqual({ outcome: 'deadline', at: 30_000 });
  });
});
