import { Logger } from '@nestjs/common';
import { AlertOverdueReversalsUseCase } from '../alert-overdue-reversals/alert-overdue-reversals.use-case';
import { CheckPendingLegsOutcome, CheckPendingLegsUseCase } from './check-pending-legs.use-case';
import { PendingLegPoller } from './pending-leg-poller';

/** A use case whose passes end when the test says so. */
class ControlledPasses {
  started = 0;
  private finishers: Array<(error?: Error) => void> = [];

  execute(): Promise<CheckPendingLegsOutcome> {
    this.started += 1;
    return new Promise((resolve, reject) => {
      this.finishers.push((error) => (error ? reject(error) : resolve({ due: 0, resent: 0, deemed: 0, retried: 0, quarantined: 0 })));
    });
  }

  finish(error?: Error): void {
    const finisher = this.finishers.shift();
    if (!finisher) throw new Error('no pass running');
    finisher(error);
  }
}

// Captured before the fake timers are installed: lets settled promises run their callbacks.
const realSetImmediate = setImmediate;
const flush = (): Promise<void> => new Promise((resolve) => realSetImmediate(resolve));

describe('PendingLegPoller', () => {
  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function setup(overdue: () => Promise<number> = async () => 0) {
    const passes = new ControlledPasses();
    const overdueLooks = { count: 0 };
    const alertOverdue = {
      execute: () => {
        overdueLooks.count += 1;
        return overdue();
      },
    };
    const poller = new PendingLegPoller(passes as unknown as CheckPendingLegsUseCase, alertOverdue as unknown as AlertOverdueReversalsUseCase, 1000);
    return { passes, poller, overdueLooks };
  }

  it('starts at bootstrap and runs a pass every interval, never two at once', async () => {
    const { passes, poller } = setup();
    poller.onApplicationBootstrap();
    expect(passes.started).toBe(0);

    jest.advanceTimersByTime(1000);
    expect(passes.started).toBe(1);
    // The pass is still running at the next ticks: no second one starts.
    jest.advanceTimersByTime(2000);
    expect(passes.started).toBe(1);

    passes.finish();
    await flush();
    jest.advanceTimersByTime(1000);
    expect(passes.started).toBe(2);
    passes.finish();
    await poller.beforeApplicationShutdown();
  });

  it('a failed pass is logged and the next tick tries again', async () => {
    const { passes, poller } = setup();
    const warn = jest.spyOn(Logger.prototype, 'warn');
    poller.start();
    jest.advanceTimersByTime(1000);
    passes.finish(new Error('database unavailable'));
    await flush();
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('database unavailable'));
    warn.mockRestore();

    jest.advanceTimersByTime(1000);
    expect(passes.started).toBe(2);
    passes.finish();
    await poller.stop();
  });

  it('looks for overdue reversals on every tick, even when the timers\' pass fails, and reports either failure', async () => {
    const { passes, poller, overdueLooks } = setup(async () => {
      throw new Error('overdue look failed');
    });
    const warn = jest.spyOn(Logger.prototype, 'warn');
    poller.start();
    jest.advanceTimersByTime(1000);
    passes.finish(new Error('timers pass failed'));
    await flush();
    expect(overdueLooks.count).toBe(1);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('timers pass failed'));

    jest.advanceTimersByTime(1000);
    passes.finish();
    await flush();
    expect(overdueLooks.count).toBe(2);
    expect(warn).toHaveBeenLastCalledWith(expect.stringContaining('overdue look failed'));
    warn.mockRestore();
    await poller.stop();
  });

  it('shutdown waits for the pass in progress, then no more passes start', async () => {
    const { passes, poller } = setup();
    poller.start();
    jest.advanceTimersByTime(1000);

    let stopped = false;
    const stopping = poller.beforeApplicationShutdown().then(() => (stopped = true));
    await flush();
    expect(stopped).toBe(false);

    passes.finish();
    await stopping;
    expect(stopped).toBe(true);
    jest.advanceTimersByTime(10_000);
    expect(passes.started).toBe(1);
  });

  it('does not keep the process alive (the timer is unref-ed)', () => {
    jest.useRealTimers();
    const setIntervalSpy = jest.spyOn(global, 'setInterval');
    const { poller } = setup();
    poller.start();
    const timer = setIntervalSpy.mock.results[0].value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    setIntervalSpy.mockRestore();
    return poller.stop();
  });
});
