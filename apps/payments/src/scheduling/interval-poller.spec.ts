import { Logger } from '@nestjs/common';
import { IntervalPoller } from './interval-poller';

/** A poller whose passes end when the test says so. */
class ControlledPoller extends IntervalPoller {
  started = 0;
  private finishers: Array<(error?: Error) => void> = [];

  constructor(intervalMs = 1000) {
    super({ intervalMs, failureMessage: 'test pass failed, will retry' });
  }

  protected pass(): Promise<void> {
    this.started += 1;
    return new Promise((resolve, reject) => {
      this.finishers.push((error) => (error ? reject(error) : resolve()));
    });
  }

  finish(error?: Error): void {
    const finisher = this.finishers.shift();
    if (!finisher) throw new Error('no pass running');
    finisher(error);
  }
}

/** A poller whose pass throws before it returns a promise (a non-async override). */
class ThrowingPoller extends IntervalPoller {
  constructor() {
    super({ intervalMs: 1000, failureMessage: 'throwing pass failed' });
  }

  protected pass(): Promise<void> {
    throw new Error('thrown at once');
  }
}

// Captured before the fake timers are installed: lets settled promises run their callbacks.
const realSetImmediate = setImmediate;
const flush = (): Promise<void> => new Promise((resolve) => realSetImmediate(resolve));

describe('IntervalPoller', () => {
  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('starts at bootstrap and runs a pass every interval, not before the first', async () => {
    const poller = new ControlledPoller();
    poller.onApplicationBootstrap();
    expect(poller.started).toBe(0);
    jest.advanceTimersByTime(999);
    expect(poller.started).toBe(0);
    jest.advanceTimersByTime(1);
    expect(poller.started).toBe(1);
    poller.finish();
    await flush();
    jest.advanceTimersByTime(1000);
    expect(poller.started).toBe(2);
    poller.finish();
    await poller.beforeApplicationShutdown();
  });

  it('skips the ticks that come while a pass still runs, then resumes', async () => {
    const poller = new ControlledPoller();
    poller.start();
    jest.advanceTimersByTime(1000);
    jest.advanceTimersByTime(5000);
    expect(poller.started).toBe(1);
    // A tick by hand while the pass runs joins it instead of starting another.
    const joined = poller.tick();
    expect(poller.started).toBe(1);

    poller.finish();
    await joined;
    jest.advanceTimersByTime(1000);
    expect(poller.started).toBe(2);
    poller.finish();
    await poller.stop();
  });

  it('starts one timer however often it is started', async () => {
    const poller = new ControlledPoller();
    poller.start();
    poller.start();
    jest.advanceTimersByTime(1000);
    expect(poller.started).toBe(1);
    expect(jest.getTimerCount()).toBe(1);
    poller.finish();
    await poller.stop();
    expect(jest.getTimerCount()).toBe(0);
  });

  it("logs a failed pass (the error's name and message) and the next tick runs another", async () => {
    const poller = new ControlledPoller();
    const warn = jest.spyOn(Logger.prototype, 'warn');
    poller.start();
    jest.advanceTimersByTime(1000);
    poller.finish(new TypeError('database unavailable'));
    await flush();
    expect(warn).toHaveBeenCalledWith('test pass failed, will retry: TypeError: database unavailable');

    jest.advanceTimersByTime(1000);
    expect(poller.started).toBe(2);
    poller.finish();
    await poller.stop();
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('a tick never rejects, even when the pass throws before returning a promise', async () => {
    const poller = new ThrowingPoller();
    const warn = jest.spyOn(Logger.prototype, 'warn');
    await expect(poller.tick()).resolves.toBeUndefined();
    expect(warn).toHaveBeenCalledWith('throwing pass failed: Error: thrown at once');
    // The failed pass is over: the next tick runs again.
    await expect(poller.tick()).resolves.toBeUndefined();
    expect(warn).toHaveBeenCalledTimes(2);
  });

  it('shutdown waits for the pass in progress, then no pass starts', async () => {
    const poller = new ControlledPoller();
    poller.start();
    jest.advanceTimersByTime(1000);

    let stopped = false;
    const stopping = poller.beforeApplicationShutdown().then(() => (stopped = true));
    await flush();
    expect(stopped).toBe(false);

    poller.finish();
    await stopping;
    expect(stopped).toBe(true);
    jest.advanceTimersByTime(10_000);
    expect(poller.started).toBe(1);
  });

  it('stops at once when no pass runs, and can stop without having started', async () => {
    const idle = new ControlledPoller();
    await expect(idle.stop()).resolves.toBeUndefined();
    const started = new ControlledPoller();
    started.start();
    await started.stop();
    jest.advanceTimersByTime(10_000);
    expect(started.started).toBe(0);
  });

  it('does not keep the process alive (the timer is unref-ed)', () => {
    jest.useRealTimers();
    const setIntervalSpy = jest.spyOn(global, 'setInterval');
    const poller = new ControlledPoller();
    poller.start();
    const timer = setIntervalSpy.mock.results[0].value as NodeJS.Timeout;
    expect(timer.hasRef()).toBe(false);
    return poller.stop();
  });

  it('logs under the name of the concrete poller', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    const poller = new ControlledPoller();
    const tick = poller.tick();
    poller.finish(new Error('boom'));
    await tick;
    expect((warn.mock.contexts[0] as unknown as { context?: string }).context).toBe('ControlledPoller');
  });
});
