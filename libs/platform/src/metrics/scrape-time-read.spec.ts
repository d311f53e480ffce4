import { Logger } from '@nestjs/common';
import { ScrapeTimeRead } from './scrape-time-read';

describe('ScrapeTimeRead', () => {
  beforeAll(() => Logger.overrideLogger(false));

  function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: Error) => void } {
    let resolve!: (value: T) => void;
    let reject!: (error: Error) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  }

  it('shares one read among the gauges of a scrape', async () => {
    const pending = deferred<number>();
    const read = jest.fn(() => pending.promise);
    const snapshot = new ScrapeTimeRead(read, { name: 'test', timeoutMs: 60_000 });
    const gauges = [snapshot.get(), snapshot.get(), snapshot.get()];
    pending.resolve(7);
    expect(await Promise.all(gauges)).toEqual([7, 7, 7]);
    expect(read).toHaveBeenCalledTimes(1);
  });

  it('reads again at the next scrape', async () => {
    let value = 0;
    const snapshot = new ScrapeTimeRead(async () => (value += 1), { name: 'test', timeoutMs: 60_000 });
    expect(await snapshot.get()).toBe(1);
    expect(await snapshot.get()).toBe(2);
  });

  it('gives null when the read fails, and reads again at the next scrape', async () => {
    const read = jest.fn<Promise<number>, []>().mockRejectedValueOnce(new Error('connection refused')).mockResolvedValueOnce(3);
    const snapshot = new ScrapeTimeRead(read, { name: 'test', timeoutMs: 60_000 });
    expect(await snapshot.get()).toBeNull();
    expect(await snapshot.get()).toBe(3);
  });

  it('gives null when the read is too slow, and starts no second read while it is still running', async () => {
    jest.useFakeTimers();
    try {
      const pending = deferred<number>();
      const read = jest.fn(() => pending.promise);
      const snapshot = new ScrapeTimeRead(read, { name: 'test', timeoutMs: 100 });
      const first = snapshot.get();
      jest.advanceTimersByTime(100);
      expect(await first).toBeNull();
      const second = snapshot.get();
      expect(read).toHaveBeenCalledTimes(1);
      pending.resolve(5);
      expect(await second).toBe(5);
    } finally {
      jest.useRealTimers();
    }
  });
});
