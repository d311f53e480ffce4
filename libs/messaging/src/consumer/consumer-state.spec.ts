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

  describe('apply delay: how long records wait between being produced and being applied', () => {
    it('is 0 with nothing applied lately and nothing in hand', () => {
      expect(new ConsumerState(1000).applyDelayMs(2000)).toBe(0);
    });

    it('counts a chunk in hand by the age of its oldest record, and an applied one by how long it had waited', () => {
      const state = new ConsumerState(1000);
      const now = Date.now();
      const slow = state.startApplying(now - 8000);
      expect(state.applyDelayMs(2000, now)).toBe(8000);
      expect(state.applyDelayMs(2000, now + 1000)).toBe(9000);
      slow();
      const quick = state.startApplying(Date.now() - 40);
      quick();
      expect(state.applyDelayMs(2000)).toBeGreaterThanOrEqual(8000);
      // Out of the window, neither counts.
      expect(state.applyDelayMs(2000, Date.now() + 2001)).toBe(0);
    });

    it('ignores a record without a usable timestamp', () => {
      const state = new ConsumerState(1000);
      state.startApplying(Number('not a timestamp'));
      state.startApplying(-1);
      expect(state.applyDelayMs(2000)).toBe(0);
    });
  });
});
