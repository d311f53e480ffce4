import { alertCount } from '@kirim/platform';
import { FixedClock } from '@kirim/testing';
import { EndpointCircuitBreakers } from '../circuit-breaker';
import type { ClaimedDelivery, DeliveryOutcome } from '../delivery';
import { DeliveryChannel, DeliveryEndpoints, StaticDeliveryEndpoints } from '../delivery-channel';
import { deliveryMetrics } from '../delivery-metrics';
import type { DeliverySettings } from '../delivery-settings';
import { InMemoryDeliveries, ScriptedChannel } from '../../testing/in-memory-deliveries';
import { DeliverDueNotifications } from './deliver-due-notifications.use-case';
import { DeliveryWorker } from './delivery-worker';

const NOW = new Date('2026-11-28T10:00:00.000Z');
const settings: DeliverySettings = {
  retry: { baseDelayMs: 1000, maxDelayMs: 60_000, maxAttempts: 3 },
  breaker: { failureThreshold: 2, coolDownMs: 30_000 },
  concurrencyPerEndpoint: 4,
  leaseMs: 40_000,
  random: () => 0.5,
};

const at = (ms: number): Date => new Date(NOW.getTime() + ms);

interface Harness {
  clock: FixedClock;
  deliveries: InMemoryDeliveries;
  breakers: EndpointCircuitBreakers;
  useCase: DeliverDueNotifications;
}

function harness(): Harness {
  const clock = new FixedClock(NOW);
  const deliveries = new InMemoryDeliveries();
  const breakers = new EndpointCircuitBreakers(settings.breaker, clock);
  return { clock, deliveries, breakers, useCase: new DeliverDueNotifications(deliveries, breakers, clock, settings) };
}

let nextNotification = 1;
async function pending(deliveries: InMemoryDeliveries, endpointKey: string, count = 1): Promise<string[]> {
  const drafts = Array.from({ length: count }, () => {
    const n = nextNotification++;
    return {
      deliveryId: `d-${endpointKey}-${n}`,
      notificationId: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
      recipientUserId: '0b9a3c1e-5f6d-4c2b-8a1e-1f2d3c4b5a60',
      channel: 'chat' as const,
      endpointKey,
      occurredAt: NOW,
      createdAt: NOW,
    };
  });
  await deliveries.insertPending({ manager: {} as never }, drafts);
  return drafts.map((d) => d.deliveryId);
}

const retry = (reason = 'HTTP 500', retryAfterMs?: number): DeliveryOutcome => ({ kind: 'retryable', reason, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });

describe('DeliverDueNotifications', () => {
  it("claims up to the endpoint's in-flight limit with a lease, and records each delivered", async () => {
    const { deliveries, useCase } = harness();
    const ids = await pending(deliveries, 'chat', 5);
    const chat = new ScriptedChannel('chat');

    expect(await useCase.execute(chat)).toEqual({ claimed: 4, circuitOpen: false });

    expect(deliveries.claims).toEqual([{ endpointKey: 'chat', now: NOW, limit: 4, leaseUntil: at(40_000) }]);
    expect(chat.sent.map((d) => d.deliveryId)).toEqual(ids.slice(0, 4));
    expect(ids.map((id) => deliveries.byId(id).status)).toEqual(['delivered', 'delivered', 'delivered', 'delivered', 'pending']);
    expect(deliveries.byId(ids[0])).toMatchObject({ attempts: 1, deliveredAt: NOW, lastError: null });
    // The pass's four outcomes are stored with one write.
    expect(deliveries.outcomeWrites).toBe(1);
  });

  it('reschedules a failed attempt with backoff and jitter, keeping the reason', async () => {
    const { deliveries, useCase } = harness();
    const [id] = await pending(deliveries, 'chat');

    await useCase.execute(new ScriptedChannel('chat', [retry('HTTP 503')]));

    // attempt 1: ceiling 1000 ms, random pinned at 0.5.
    expect(deliveries.byId(id)).toMatchObject({ status: 'pending', attempts: 1, nextAttemptAt: at(500), lastError: 'HTTP 503' });
  });

  it("waits at least the endpoint's Retry-After", async () => {
    const { deliveries, useCase } = harness();
    const [id] = await pending(deliveries, 'chat');
    await useCase.execute(new ScriptedChannel('chat', [retry('HTTP 429', 20_000)]));
    expect(deliveries.byId(id).nextAttemptAt).toEqual(at(20_000));
  });

  it('makes a delivery dead after its last attempt, alerts and counts it', async () => {
    const { clock, deliveries, breakers, useCase } = harness();
    const [id] = await pending(deliveries, 'chat');
    const chat = new ScriptedChannel('chat', [retry('HTTP 500')]);
    const alertsBefore = await alertCount('notification-delivery-dead');
    const deadBefore = await deliveryMetrics.count('chat', 'dead');

    for (let attempt = 1; attempt <= 3; attempt += 1) {
      clock.current = deliveries.byId(id).nextAttemptAt;
      breakers.recordSuccess('chat'); // this test is about attempts, not the circuit
      await useCase.execute(chat);
    }

    expect(chat.sent).toHaveLength(3);
    expect(deliveries.byId(id)).toMatchObject({ status: 'dead', attempts: 3, deadAt: clock.current, lastError: '3 attempts failed, the last: HTTP 500' });
    expect(await alertCount('notification-delivery-dead')).toBe(alertsBefore + 1);
    expect(await deliveryMetrics.count('chat', 'dead')).toBe(deadBefore + 1);
    clock.current = at(86_400_000);
    expect(await useCase.execute(chat)).toEqual({ claimed: 0, circuitOpen: false });
  });

  it('makes a delivery the endpoint refuses dead at once, without opening the circuit', async () => {
    const { deliveries, breakers, useCase } = harness();
    const [id] = await pending(deliveries, 'chat');
    await useCase.execute(new ScriptedChannel('chat', [{ kind: 'permanent', reason: 'HTTP 410' }]));
    expect(deliveries.byId(id)).toMatchObject({ status: 'dead', attempts: 1, lastError: 'refused: HTTP 410' });
    expect(breakers.stateOf('chat')).toBe('closed');
  });

  it('counts a channel that throws as a failed attempt, not a crash', async () => {
    const { deliveries, useCase } = harness();
    const [id] = await pending(deliveries, 'chat');
    await useCase.execute(new ScriptedChannel('chat', [new RangeError('bug')]));
    expect(deliveries.byId(id)).toMatchObject({ status: 'pending', lastError: 'channel error: RangeError' });
  });

  it('claims nothing for an endpoint whose circuit is open (no attempt used), then tries one, while other endpoints go on', async () => {
    const { clock, deliveries, useCase } = harness();
    const [first, second] = await pending(deliveries, 'slow', 2);
    const [other] = await pending(deliveries, 'fine');
    const slow = new ScriptedChannel('slow', [retry('no answer within 5000 ms')]);

    await useCase.execute(slow); // two failures in a row: the circuit opens
    expect(deliveries.byId(first).attempts).toBe(1);
    expect(deliveries.byId(second).attempts).toBe(1);

    clock.current = at(10_000); // both are due again, but the circuit is open
    expect(await useCase.execute(slow)).toEqual({ claimed: 0, circuitOpen: true });
    expect([deliveries.byId(first).attempts, deliveries.byId(second).attempts]).toEqual([1, 1]);
    expect(await useCase.execute(new ScriptedChannel('fine'))).toEqual({ claimed: 1, circuitOpen: false });
    expect(deliveries.byId(other).status).toBe('delivered');

    clock.current = at(30_000); // cool-down over: one trial
    const recovered = new ScriptedChannel('slow');
    expect(await useCase.execute(recovered)).toEqual({ claimed: 1, circuitOpen: false });
    expect(await useCase.execute(recovered)).toEqual({ claimed: 1, circuitOpen: false });
    expect([deliveries.byId(first).status, deliveries.byId(second).status]).toEqual(['delivered', 'delivered']);
  });

  it('makes a row dead without sending it when its lease lapsed after the last attempt', async () => {
    const { clock, deliveries, useCase } = harness();
    const [id] = await pending(deliveries, 'chat');
    Object.assign(deliveries.byId(id), { status: 'delivering', attempts: 3, nextAttemptAt: at(-1) });
    const chat = new ScriptedChannel('chat');

    await useCase.execute(chat);

    expect(chat.sent).toEqual([]);
    expect(deliveries.byId(id)).toMatchObject({ status: 'dead', attempts: 4, deadAt: clock.current });
    expect(deliveries.byId(id).lastError).toContain('no attempt left');
  });

  it('drops an outcome when the row was claimed again meanwhile (its lease had lapsed)', async () => {
    const { deliveries, useCase } = harness();
    const [id] = await pending(deliveries, 'chat');
    const reclaiming = new (class extends ScriptedChannel {
      override async deliver(delivery: ClaimedDelivery): Promise<DeliveryOutcome> {
        deliveries.byId(id).attempts += 1; // another worker claimed it while this one sent
        return super.deliver(delivery);
      }
    })('chat');
    const alertsBefore = await alertCount('notification-delivery-dead');

    await useCase.execute(reclaiming);

    expect(deliveries.byId(id)).toMatchObject({ status: 'delivering', attempts: 2, deliveredAt: null });
    expect(await alertCount('notification-delivery-dead')).toBe(alertsBefore);
  });

  it("stores each of a pass's outcomes over its own claim only: the others are kept when one row was claimed again", async () => {
    const { deliveries, useCase } = harness();
    const [delivered, refused, reclaimed] = await pending(deliveries, 'chat', 3);
    const channel = new (class extends ScriptedChannel {
      override async deliver(delivery: ClaimedDelivery): Promise<DeliveryOutcome> {
        if (delivery.deliveryId === reclaimed) deliveries.byId(reclaimed).attempts += 1; // another worker claimed it meanwhile
        if (delivery.deliveryId === refused) return { kind: 'permanent', reason: 'HTTP 410' };
        return super.deliver(delivery);
      }
    })('chat');
    const alertsBefore = await alertCount('notification-delivery-dead');

    await useCase.execute(channel);

    expect(deliveries.outcomeWrites).toBe(1);
    expect(deliveries.byId(delivered)).toMatchObject({ status: 'delivered', attempts: 1, deliveredAt: NOW, lastError: null });
    expect(deliveries.byId(refused)).toMatchObject({ status: 'dead', attempts: 1, deadAt: NOW, lastError: 'refused: HTTP 410' });
    expect(deliveries.byId(reclaimed)).toMatchObject({ status: 'delivering', attempts: 2, deliveredAt: null });
    // The refused one died (one alert); the dropped one is the other claim's to report.
    expect(await alertCount('notification-delivery-dead')).toBe(alertsBefore + 1);
  });
});

/** A channel whose answers the test releases by hand. */
class HeldChannel extends DeliveryChannel {
  readonly channel = 'chat' as const;
  readonly held: (() => void)[] = [];

  constructor(readonly endpointKey: string) {
    super();
  }

  deliver(): Promise<DeliveryOutcome> {
    return new Promise((resolve) => this.held.push(() => resolve({ kind: 'delivered' })));
  }
}

describe('DeliveryWorker', () => {
  it("never waits for a slow endpoint's lane to serve another endpoint", async () => {
    const { deliveries, useCase } = harness();
    const [stuck] = await pending(deliveries, 'slow');
    const [first, second] = await pending(deliveries, 'fast', 2);
    const slow = new HeldChannel('slow');
    const fast = new ScriptedChannel('fast');
    const worker = new DeliveryWorker(new StaticDeliveryEndpoints([slow, fast]), useCase, 60_000);

    await worker.tick();
    await worker.laneIdle('fast');

    expect([deliveries.byId(first).status, deliveries.byId(second).status]).toEqual(['delivered', 'delivered']);
    expect(worker.isBusy('slow')).toBe(true);
    expect(deliveries.byId(stuck).status).toBe('delivering');

    // A tick while the slow lane still runs starts no second lane for it, and serves the fast one again.
    const [third] = await pending(deliveries, 'fast');
    await worker.tick();
    await worker.laneIdle('fast');
    expect(deliveries.byId(third).status).toBe('delivered');
    expect(slow.held).toHaveLength(1);

    slow.held[0]();
    await worker.idle();
    expect(deliveries.byId(stuck).status).toBe('delivered');
  });

  it('drains a backlog in one lane while claims come back full, and logs a failed lane without throwing', async () => {
    const { deliveries, useCase } = harness();
    const ids = await pending(deliveries, 'chat', 9);
    const worker = new DeliveryWorker(new StaticDeliveryEndpoints([new ScriptedChannel('chat')]), useCase, 60_000);

    await worker.tick();
    await worker.idle();
    expect(ids.every((id) => deliveries.byId(id).status === 'delivered')).toBe(true);
    expect(deliveries.claims.map((c) => c.limit)).toEqual([4, 4, 4]);

    jest.spyOn(deliveries, 'claimDue').mockRejectedValueOnce(new Error('connection terminated'));
    await worker.tick();
    await expect(worker.idle()).resolves.toBeUndefined();
    expect(worker.isBusy('chat')).toBe(false);
  });

  it('gives an endpoint rebuilt at each tick one pass per tick, so a rotated secret is used from the next one', async () => {
    const { deliveries, useCase } = harness();
    const ids = await pending(deliveries, 'merchant:e1', 9);
    const rebuilt = new (class extends ScriptedChannel {
      override readonly refreshedEachTick = true;
    })('merchant:e1');
    const worker = new DeliveryWorker(new StaticDeliveryEndpoints([rebuilt]), useCase, 60_000);

    await worker.tick();
    await worker.idle();
    expect(ids.filter((id) => deliveries.byId(id).status === 'delivered')).toHaveLength(4);

    await worker.tick();
    await worker.idle();
    expect(ids.filter((id) => deliveries.byId(id).status === 'delivered')).toHaveLength(8);
  });

  it("stops counting a merchant endpoint's circuit once the worker no longer serves it (disabled or removed)", async () => {
    const { clock, deliveries, useCase } = harness();
    await pending(deliveries, 'merchant:e9', 2);
    const merchant = new (class extends DeliveryChannel {
      readonly channel = 'merchant-webhook' as const;
      readonly endpointKey = 'merchant:e9';
      async deliver(): Promise<DeliveryOutcome> {
        return retry('HTTP 503');
      }
    })();
    const endpoints = new (class extends DeliveryEndpoints {
      enabled = true;
      forReceipts(): readonly DeliveryChannel[] {
        return [];
      }
      async active(due: ReadonlySet<string>): Promise<readonly DeliveryChannel[]> {
        return this.enabled && due.has(merchant.endpointKey) ? [merchant] : [];
      }
    })();
    const worker = new DeliveryWorker(endpoints, useCase, 60_000);
    const openBefore = await deliveryMetrics.circuitCount('merchant-webhook', 'open');

    await worker.tick(); // two failures in a row: the circuit opens
    await worker.idle();
    expect(await deliveryMetrics.circuitCount('merchant-webhook', 'open')).toBe(openBefore + 1);

    clock.current = at(10_000); // due again, still open: served, and still counted
    await worker.tick();
    await worker.idle();
    expect(await deliveryMetrics.circuitCount('merchant-webhook', 'open')).toBe(openBefore + 1);

    endpoints.enabled = false; // its rows are still due, but the endpoint is no longer served
    await worker.tick();
    await worker.idle();
    expect(await deliveryMetrics.circuitCount('merchant-webhook', 'open')).toBe(openBefore);
  });

  it('starts no lane, and throws nothing, when the endpoints cannot be read; the next tick serves them', async () => {
    const { deliveries, useCase } = harness();
    const [id] = await pending(deliveries, 'chat');
    const endpoints = new StaticDeliveryEndpoints([new ScriptedChannel('chat')]);
    jest.spyOn(endpoints, 'active').mockRejectedValueOnce(new Error('connection terminated'));
    const worker = new DeliveryWorker(endpoints, useCase, 60_000);

    await expect(worker.tick()).resolves.toBeUndefined();
    expect(deliveries.byId(id).status).toBe('pending');

    await worker.tick();
    await worker.idle();
    expect(deliveries.byId(id).status).toBe('delivered');
  });
});
