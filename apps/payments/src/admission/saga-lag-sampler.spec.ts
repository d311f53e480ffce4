import { Logger } from '@nestjs/common';
import { ConsumerState } from '@kirim/messaging';
import { FixedClock } from '../testing/payment-fakes';
import { SagaAdmission } from './saga-admission';
import { AdmissionPolicy } from './saga-admission-policy';
import { SagaLagSampler } from './saga-lag-sampler';
import { SagaLagRepository } from './saga-lag.repository';

const POLICY: AdmissionPolicy = { maxLagMs: 10_000, maxRetryAfterSeconds: 10, sampleMaxAgeMs: 5_000, maxInFlight: 64 };

/** The database's answer, set by the test: a lag, or a failure. */
class ScriptedLag extends SagaLagRepository {
  answer: number | Error = 0;
  reads = 0;

  async readLagSeconds(): Promise<number> {
    this.reads += 1;
    if (this.answer instanceof Error) throw this.answer;
    return this.answer;
  }
}

describe('SagaLagSampler', () => {
  let clock: FixedClock;
  let lag: ScriptedLag;
  let admission: SagaAdmission;
  let sampler: SagaLagSampler;
  let consumer: ConsumerState;
  let warnings: string[];

  beforeEach(() => {
    clock = new FixedClock(new Date('2026-11-28T10:00:00.000Z'));
    lag = new ScriptedLag();
    admission = new SagaAdmission(POLICY, clock);
    consumer = new ConsumerState(15_000);
    sampler = new SagaLagSampler(lag, consumer, admission, clock, 250);
    warnings = [];
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((message: unknown) => void warnings.push(String(message)));
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });

  afterEach(() => jest.restoreAllMocks());

  const later = (ms: number): void => {
    clock.current = new Date(clock.current.getTime() + ms);
  };

  it('admits until its first sample, and then by the lag it read', async () => {
    expect(admission.decide()).toEqual({ admit: true, why: 'no-fresh-sample' });
    lag.answer = 2.5;
    await sampler.tick();
    expect(admission.decide()).toEqual({ admit: true, why: 'within-bound' });
    expect(admission.freshLagSeconds()).toBe(2.5);

    lag.answer = 14.2;
    await sampler.tick();
    expect(admission.decide()).toEqual({ admit: false, lagSeconds: 14.2, retryAfterSeconds: 5 });
    expect(warnings).toEqual([expect.stringMatching(/refusing new payments .* the saga lags 14\.2 s, over its bound of 10 s/)]);

    lag.answer = 0;
    await sampler.tick();
    expect(admission.decide()).toEqual({ admit: true, why: 'within-bound' });
  });

  it('keeps refusing by the last sample while the database does not answer, and opens once that sample is stale', async () => {
    lag.answer = 60;
    await sampler.tick();
    lag.answer = new Error('connection terminated');

    later(1_000);
    await sampler.tick();
    later(4_000);
    await sampler.tick();
    expect(admission.decide()).toMatchObject({ admit: false, retryAfterSeconds: 10 });

    later(1);
    await sampler.tick();
    expect(admission.decide()).toEqual({ admit: true, why: 'no-fresh-sample' });
    expect(admission.freshLagSeconds()).toBeNull();
    // Warned once for the outage (and once when it started refusing), not once per tick.
    expect(warnings.filter((warning) => /cannot be read/.test(warning))).toHaveLength(1);

    lag.answer = 60;
    await sampler.tick();
    expect(admission.decide()).toMatchObject({ admit: false });
    expect(lag.reads).toBe(5);
  });

  it("refuses while this replica's consumer applies bank answers long after they were written, though the outbox is empty", async () => {
    lag.answer = 0;
    // A chunk of bank answers written 14.5 s ago is still being applied (the event loop is saturated).
    const applied = consumer.startApplying('bank.responses.v1/0', Date.now() - 14_500);
    await sampler.tick();
    expect(admission.decide()).toMatchObject({ admit: false, retryAfterSeconds: 5 });

    // Applied, with more behind it: still as late.
    applied(false);
    await sampler.tick();
    expect(admission.decide()).toMatchObject({ admit: false });

    // The next chunk catches the partition up: nothing waits any more.
    consumer.startApplying('bank.responses.v1/0', Date.now() - 200)(true);
    await sampler.tick();
    expect(admission.decide()).toEqual({ admit: true, why: 'within-bound' });
  });
});
