import { EventEmitter } from 'node:events';
import type { Consumer } from 'kafkajs';
import { ConsumerState } from './consumer-state';

function fakeConsumer(): { consumer: Consumer; emit(event: string): void } {
  const emitter = new EventEmitter();
  const events = { GROUP_JOIN: 'join', FETCH: 'fetch', HEARTBEAT: 'heartbeat', CRASH: 'crash', STOP: 'stop', DISCONNECT: 'disconnect' };
  const consumer = { events, on: (name: string, listener: () => void) => emitter.on(name, listener) } as unknown as Consumer;
  return { consumer, emit: (event) => emitter.emit(event) };
}

describe('ConsumerState (readiness of the consumer)', () => {
  it('is running only after joining its group and while it keeps fetching', () => {
    const state = new ConsumerState(1000);
    const { consumer, emit } = fakeConsumer();
    state.watch(consumer);
    expect(state.snapshot().running).toBe(false);
    emit('join');
    expect(state.snapshot().running).toBe(true);
    expect(state.snapshot(Date.now() + 5000).running).toBe(false);
  });

  it('stops being ready when the consumer crashes, and comes back when it rejoins', () => {
    const state = new ConsumerState(1000);
    const { consumer, emit } = fakeConsumer();
    state.watch(consumer);
    emit('join');
    emit('crash');
    expect(state.snapshot().running).toBe(false);
    emit('join');
    emit('fetch');
    expect(state.snapshot().running).toBe(true);
  });

  describe('apply delay: how late records are applied after they were produced', () => {
    it('is 0 with nothing applied lately and nothing in hand', () => {
      expect(new ConsumerState(1000).applyDelayMs(2000)).toBe(0);
    });

    it('counts a chunk in hand by the age of its oldest record, and after it how late it was applied, until the partition is caught up', () => {
      const state = new ConsumerState(1000);
      const now = Date.now();
      const slow = state.startApplying('bank.responses.v1/0', now - 8000);
      expect(state.applyDelayMs(2000, now)).toBe(8000);
      expect(state.applyDelayMs(2000, now + 1000)).toBe(9000);
      slow(false); // more records were behind it
      expect(state.applyDelayMs(2000)).toBeGreaterThanOrEqual(8000);

      const quick = state.startApplying('bank.responses.v1/0', Date.now() - 40);
      quick(true); // the partition is caught up: nothing waits, however late the last chunk was
      expect(state.applyDelayMs(2000)).toBe(0);
    });

    it('takes the latest of each partition and the longest across partitions, and forgets a partition not heard of within the window', () => {
      const state = new ConsumerState(1000);
      state.startApplying('t/0', Date.now() - 12_000)(false);
      state.startApplying('t/1', Date.now() - 3_000)(false);
      expect(state.applyDelayMs(2000)).toBeGreaterThanOrEqual(12_000);
      expect(state.applyDelayMs(2000, Date.now() + 2001)).toBe(0);
    });

    it('keeps counting a chunk that is still in hand, however long it takes (a database outage)', () => {
      const state = new ConsumerState(1000);
      state.startApplying('t/0', Date.now() - 100);
      expect(state.applyDelayMs(2000, Date.now() + 60_000)).toBeGreaterThanOrEqual(60_000);
    });

    it('ignores a record without a usable timestamp', () => {
      const state = new ConsumerState(1000);
      state.startApplying('t/0', Number('not a timestamp'));
      state.startApplying('t/1', -1);
      expect(state.applyDelayMs(2000)).toBe(0);
    });
  });
});
