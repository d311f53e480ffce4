import { Logger } from '@nestjs/common';
import type { ReconciliationPolicy } from './reconciliation.config';
import { ReconciliationScheduler } from './reconciliation-scheduler';
import { RunReconciliation } from './run-reconciliation/run-reconciliation.use-case';

// Captured before the fake timers are installed: lets settled promises run their callbacks.
const realSetImmediate = setImmediate;
const flush = (): Promise<void> => new Promise((resolve) => realSetImmediate(resolve));

describe('ReconciliationScheduler', () => {
  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  function setup(intervalMs: number, execute: () => Promise<unknown> = async () => ({ ok: true })) {
    const runs: unknown[] = [];
    const run = {
      execute: (command: unknown) => {
        runs.push(command);
        return execute();
      },
    };
    const scheduler = new ReconciliationScheduler(run as unknown as RunReconciliation, { intervalMs } as ReconciliationPolicy);
    return { runs, scheduler };
  }

  it('starts a scheduled run every interval from bootstrap', async () => {
    const { runs, scheduler } = setup(300_000);
    scheduler.onApplicationBootstrap();
    jest.advanceTimersByTime(300_000);
    expect(runs).toEqual([{ trigger: 'schedule' }]);
    await flush();
    jest.advanceTimersByTime(300_000);
    expect(runs).toHaveLength(2);
    await scheduler.beforeApplicationShutdown();
  });

  it('runs nothing by itself when the interval is 0 (operators start runs)', async () => {
    const { runs, scheduler } = setup(0);
    scheduler.onApplicationBootstrap();
    expect(jest.getTimerCount()).toBe(0);
    jest.advanceTimersByTime(86_400_000);
    expect(runs).toEqual([]);
    await scheduler.beforeApplicationShutdown();
  });

  it('logs a run that failed to start and tries again at the next tick', async () => {
    let failures = 1;
    const { runs, scheduler } = setup(1000, async () => {
      if (failures-- > 0) throw new Error('bank-connector unreachable');
      return { ok: true };
    });
    const warn = jest.spyOn(Logger.prototype, 'warn');
    scheduler.onApplicationBootstrap();
    jest.advanceTimersByTime(1000);
    await flush();
    expect(warn).toHaveBeenCalledWith('scheduled reconciliation failed to run: Error: bank-connector unreachable');
    jest.advanceTimersByTime(1000);
    await flush();
    expect(runs).toHaveLength(2);
    expect(warn).toHaveBeenCalledTimes(1);
    await scheduler.beforeApplicationShutdown();
  });
});
