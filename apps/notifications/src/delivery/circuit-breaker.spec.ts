import { FixedClock } from '@kirim/testing';
import { EndpointCircuitBreakers } from './circuit-breaker';

describe('EndpointCircuitBreakers', () => {
  const policy = { failureThreshold: 3, coolDownMs: 30_000 };
  const start = new Date('2026-11-28T10:00:00.000Z');

  function breakers(): { clock: FixedClock; circuits: EndpointCircuitBreakers } {
    const clock = new FixedClock(start);
    return { clock, circuits: new EndpointCircuitBreakers(policy, clock) };
  }

  const later = (clock: FixedClock, ms: number): void => {
    clock.current = new Date(clock.current.getTime() + ms);
  };

  it('lets everything through while closed, and a success resets the count of failures', () => {
    const { circuits } = breakers();
    expect(circuits.acquire('a', 8)).toBe(8);
    circuits.recordFailure('a');
    circuits.recordFailure('a');
    circuits.recordSuccess('a');
    circuits.recordFailure('a');
    circuits.recordFailure('a');
    expect(circuits.stateOf('a')).toBe('closed');
    expect(circuits.acquire('a', 8)).toBe(8);
  });

  it('opens after the threshold of failures in a row and lets nothing through during the cool-down', () => {
    const { clock, circuits } = breakers();
    for (let i = 0; i < 3; i += 1) circuits.recordFailure('a');
    expect(circuits.stateOf('a')).toBe('open');
    expect(circuits.acquire('a', 8)).toBe(0);
    later(clock, 29_999);
    expect(circuits.acquire('a', 8)).toBe(0);
  });

  it('lets exactly one trial through after the cool-down; its success closes the circuit', () => {
    const { clock, circuits } = breakers();
    for (let i = 0; i < 3; i += 1) circuits.recordFailure('a');
    later(clock, 30_000);
    expect(circuits.acquire('a', 8)).toBe(1);
    expect(circuits.stateOf('a')).toBe('half-open');
    expect(circuits.acquire('a', 8)).toBe(0);
    circuits.recordSuccess('a');
    expect(circuits.stateOf('a')).toBe('closed');
    expect(circuits.acquire('a', 8)).toBe(8);
  });

  it("opens again for a whole cool-down when the trial fails", () => {
    const { clock, circuits } = breakers();
    for (let i = 0; i < 3; i += 1) circuits.recordFailure('a');
    later(clock, 30_000);
    expect(circuits.acquire('a', 8)).toBe(1);
    circuits.recordFailure('a');
    expect(circuits.stateOf('a')).toBe('open');
    later(clock, 29_999);
    expect(circuits.acquire('a', 8)).toBe(0);
    later(clock, 1);
    expect(circuits.acquire('a', 8)).toBe(1);
  });

  it('hands a trial back that found nothing to send, so the next pass may take it', () => {
    const { clock, circuits } = breakers();
    for (let i = 0; i < 3; i += 1) circuits.recordFailure('a');
    later(clock, 30_000);
    expect(circuits.acquire('a', 8)).toBe(1);
    circuits.releaseTrial('a');
    expect(circuits.acquire('a', 8)).toBe(1);
  });

  it('keeps each endpoint apart: one open circuit holds back no other endpoint', () => {
    const { circuits } = breakers();
    for (let i = 0; i < 3; i += 1) circuits.recordFailure('a');
    expect(circuits.acquire('a', 8)).toBe(0);
    expect(circuits.acquire('b', 8)).toBe(8);
    expect(circuits.stateOf('b')).toBe('closed');
  });
});
