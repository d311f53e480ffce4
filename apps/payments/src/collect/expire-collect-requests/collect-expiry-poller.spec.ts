import { Logger } from '@nestjs/common';
import { CollectExpiryPoller } from './collect-expiry-poller';
import { ExpireCollectRequestsUseCase } from './expire-collect-requests.use-case';

/** A use case whose passes end when the test says so. */
class ControlledPasses {
  started = 0;
  private finishers: Array<(error?: Error) => void> = [];

  execute(): Promise<number> {
    this.started += 1;
    return new Promise((resolve, reject) => {
      this.finishers.push((error) => (error ? reject(error) : resolve(1)));
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

describe('CollectExpiryPoller', () => {
  beforeAll(() => Logger.overrideLogger(false));
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  function setup() {
    const passes = new ControlledPasses();
    return { passes, poller: new CollectExpiryPoller(passes as unknown as ExpireCollectRequestsUseCase, 5000) };
  }

  it('starts at bootstrap and runs a pass every interval, never two at once', async () => {
    const { passes, poller } = setup();
    poller.onApplicationBootstrap();
    jest.advanceTimersByTime(5000);
    expect(passes.started).toBe(1);
    // The pass is still running: the next tick does not start another.
    jest.advanceTimersByTime(5000);
    expect(passes.started).toBe(1);
    passes.finish();
    await flush();
    jest.advanceTimersByTime(5000);
    expect(passes.started).toBe(2);
    passes.finish();
    await poller.stop();
  });

  it('survives a failed pass and tries again on the next tick', async () => {
    const { passes, poller } = setup();
    const tick = poller.tick();
    passes.finish(new Error('connection terminated'));
    await expect(tick).resolves.toBeUndefined();
    const next = poller.tick();
    expect(passes.started).toBe(2);
    passes.finish();
    await next;
  });

  it('waits for the pass in progress when stopped, and starts none after', async () => {
    const { passes, poller } = setup();
    poller.start();
    jest.advanceTimersByTime(5000);
    let stopped = false;
    const stopping = poller.stop().then(() => (stopped = true));
    await flush();
    expect(stopped).toBe(false);
    passes.finish();
    await stopping;
    jest.advanceTimersByTime(20_000);
    expect(passes.started).toBe(1);
  });
});
