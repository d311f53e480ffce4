import type { Clock } from '@kirim/platform';

/**
 * Written here rather than taken from a library: cockatiel 4 is ESM-only and wants Node 22, and
 * opossum 10 wants Node 22 and wraps the call itself with its own timers (we need to ask "may I
 * claim for this endpoint?" before any row is claimed, and to test it with a fake clock). The rules
 * are small enough to own.
 */
export interface CircuitBreakerPolicy {
  /** Consecutive failed attempts that open the circuit. */
  readonly failureThreshold: number;
  /** How long an open circuit stays open before one trial attempt is let through. */
  readonly coolDownMs: number;
}

export type CircuitState = 'closed' | 'open' | 'half-open';

interface EndpointCircuit {
  state: CircuitState;
  consecutiveFailures: number;
  openUntil: number;
  trialInFlight: boolean;
}

/**
 * One circuit per endpoint, in this process (each replica judges an endpoint by its own attempts):
 * - closed: attempts go through; `failureThreshold` failures in a row open it;
 * - open: nothing is attempted until `coolDownMs` has passed; the endpoint's deliveries stay pending,
 *   with no attempt used;
 * - half-open: exactly one trial attempt; success closes the circuit, failure opens it again.
 * A failure is what says the endpoint is unwell (a timeout, a network error, 408, 429, 5xx); a
 * permanent refusal of one message (another 4xx) is the endpoint answering, and counts as success.
 */
export class EndpointCircuitBreakers {
  private readonly circuits = new Map<string, EndpointCircuit>();

  constructor(
    private readonly policy: CircuitBreakerPolicy,
    private readonly clock: Clock,
  ) {}

  /**
   * How many attempts may start now at `endpointKey`: `wanted` when closed, 1 (the trial) when the
   * cool-down is over, 0 while open or while the trial is out. Taking the trial marks it out: the
   * caller reports it with `recordSuccess`/`recordFailure`, or `releaseTrial` if it sent nothing.
   */
  acquire(endpointKey: string, wanted: number): number {
    const circuit = this.circuitOf(endpointKey);
    if (circuit.state === 'closed') return wanted;
    if (circuit.state === 'open') {
      if (this.clock.now().getTime() < circuit.openUntil) return 0;
      circuit.state = 'half-open';
    }
    if (circuit.trialInFlight || wanted < 1) return 0;
    circuit.trialInFlight = true;
    return 1;
  }

  /** The trial was not used (nothing was due): another may be taken. */
  releaseTrial(endpointKey: string): void {
    this.circuitOf(endpointKey).trialInFlight = false;
  }

  recordSuccess(endpointKey: string): void {
    const circuit = this.circuitOf(endpointKey);
    circuit.state = 'closed';
    circuit.consecutiveFailures = 0;
    circuit.trialInFlight = false;
  }

  recordFailure(endpointKey: string): void {
    const circuit = this.circuitOf(endpointKey);
    circuit.consecutiveFailures += 1;
    circuit.trialInFlight = false;
    if (circuit.state === 'half-open' || circuit.consecutiveFailures >= this.policy.failureThreshold) {
      circuit.state = 'open';
      circuit.openUntil = this.clock.now().getTime() + this.policy.coolDownMs;
    }
  }

  stateOf(endpointKey: string): CircuitState {
    return this.circuitOf(endpointKey).state;
  }

  private circuitOf(endpointKey: string): EndpointCircuit {
    let circuit = this.circuits.get(endpointKey);
    if (!circuit) {
      circuit = { state: 'closed', consecutiveFailures: 0, openUntil: 0, trialInFlight: false };
      this.circuits.set(endpointKey, circuit);
    }
    return circuit;
  }
}
