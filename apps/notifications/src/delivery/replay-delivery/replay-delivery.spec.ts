import { FixedClock } from '@kirim/testing';
import { InMemoryDeliveries } from '../../testing/in-memory-deliveries';
import { decodeDeliveryCursor, encodeDeliveryCursor } from '../list-deliveries/list-deliveries.use-case';
import { ReplayDelivery } from './replay-delivery.use-case';

const NOW = new Date('2026-11-28T12:00:00.000Z');

async function withOne(status: 'pending' | 'delivering' | 'delivered' | 'dead'): Promise<InMemoryDeliveries> {
  const deliveries = new InMemoryDeliveries();
  await deliveries.insertPending({ manager: {} as never }, [
    { deliveryId: 'd-1', notificationId: '00000000-0000-4000-8000-000000000001', recipientUserId: 'u-1', channel: 'chat', endpointKey: 'chat', occurredAt: NOW, createdAt: new Date('2026-11-28T10:00:00.000Z') },
  ]);
  Object.assign(deliveries.byId('d-1'), { status, attempts: 10, lastError: 'HTTP 500', deadAt: status === 'dead' ? new Date('2026-11-28T11:00:00.000Z') : null });
  return deliveries;
}

describe('ReplayDelivery', () => {
  it('puts a dead delivery back to pending, due now, attempts reset, with who and when', async () => {
    const deliveries = await withOne('dead');
    const result = await new ReplayDelivery(deliveries, new FixedClock(NOW)).execute({ deliveryId: 'd-1', operator: 'alice' });
    expect(result).toMatchObject({ outcome: 'replayed', delivery: { status: 'pending', attempts: 0, nextAttemptAt: NOW, deadAt: null, replayedAt: NOW, replayedBy: 'alice' } });
    expect(deliveries.byId('d-1').status).toBe('pending');
  });

  it.each(['pending', 'delivering', 'delivered'] as const)('refuses a %s delivery and changes nothing', async (status) => {
    const deliveries = await withOne(status);
    const result = await new ReplayDelivery(deliveries, new FixedClock(NOW)).execute({ deliveryId: 'd-1', operator: 'alice' });
    expect(result).toMatchObject({ outcome: 'not-dead', delivery: { status } });
    expect(deliveries.byId('d-1')).toMatchObject({ status, attempts: 10, replayedBy: null });
  });

  it('answers not-found for an unknown delivery', async () => {
    const result = await new ReplayDelivery(new InMemoryDeliveries(), new FixedClock(NOW)).execute({ deliveryId: 'd-9', operator: 'alice' });
    expect(result).toEqual({ outcome: 'not-found' });
  });
});

describe('delivery cursors', () => {
  it('round-trip, and anything else is refused', () => {
    const cursor = { createdAt: new Date('2026-11-28T10:00:00.001Z'), deliveryId: '5d2c9a4e-1b3f-4c6d-8e7f-9a0b1c2d3e4f' };
    expect(decodeDeliveryCursor(encodeDeliveryCursor(cursor))).toEqual(cursor);
    expect(decodeDeliveryCursor('abc')).toBeNull();
    expect(decodeDeliveryCursor(Buffer.from('2026-11-28T10:00:00.001Z|x').toString('base64url'))).toBeNull();
  });
});
