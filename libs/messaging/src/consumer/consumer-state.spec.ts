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
});
