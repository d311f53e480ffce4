import { catalogueMismatches, serviceMetrics } from '@kirim/platform';
import { deliveryMetrics } from './delivery-metrics';

describe("notifications' delivery metrics", () => {
  beforeEach(() => deliveryMetrics.forgetCircuitsExcept(new Set()));

  it('are the catalogue entries notifications owns, with their types and labels (docs/metrics.md)', () => {
    expect(catalogueMismatches(serviceMetrics, 'notifications')).toEqual([]);
  });

  it('count circuits by channel and state, every pair shown (0 when none), never naming an endpoint', async () => {
    deliveryMetrics.circuit({ channel: 'merchant-webhook', endpointKey: 'merchant:7d1e4c2a-0b5f-4e3d-9c8a-1f2e3d4c5b6a' }, 'open');
    deliveryMetrics.circuit({ channel: 'merchant-webhook', endpointKey: 'merchant:e2' }, 'closed');
    deliveryMetrics.circuit({ channel: 'merchant-webhook', endpointKey: 'merchant:e3' }, 'closed');
    deliveryMetrics.circuit({ channel: 'chat', endpointKey: 'chat' }, 'half-open');

    const text = await serviceMetrics.metrics();
    const lines = text.split('\n').filter((line) => line.startsWith('kirim_notification_delivery_circuits{'));
    expect(lines.sort()).toEqual(
      [
        'kirim_notification_delivery_circuits{channel="chat",state="closed"} 0',
        'kirim_notification_delivery_circuits{channel="chat",state="half-open"} 1',
        'kirim_notification_delivery_circuits{channel="chat",state="open"} 0',
        'kirim_notification_delivery_circuits{channel="merchant-webhook",state="closed"} 2',
        'kirim_notification_delivery_circuits{channel="merchant-webhook",state="half-open"} 0',
        'kirim_notification_delivery_circuits{channel="merchant-webhook",state="open"} 1',
        'kirim_notification_delivery_circuits{channel="sms",state="closed"} 0',
        'kirim_notification_delivery_circuits{channel="sms",state="half-open"} 0',
        'kirim_notification_delivery_circuits{channel="sms",state="open"} 0',
      ].sort(),
    );
    expect(text).not.toMatch(/merchant:|7d1e4c2a/);
  });

  it('count an endpoint once, in its latest state, and no more once it is forgotten', async () => {
    const endpoint = { channel: 'merchant-webhook', endpointKey: 'merchant:e1' } as const;
    deliveryMetrics.circuit(endpoint, 'open');
    deliveryMetrics.circuit(endpoint, 'half-open');
    deliveryMetrics.circuit({ channel: 'sms', endpointKey: 'sms' }, 'closed');
    expect([await deliveryMetrics.circuitCount('merchant-webhook', 'open'), await deliveryMetrics.circuitCount('merchant-webhook', 'half-open')]).toEqual([0, 1]);

    deliveryMetrics.forgetCircuitsExcept(new Set(['sms']));
    expect(await deliveryMetrics.circuitCount('merchant-webhook', 'half-open')).toBe(0);
    expect(await deliveryMetrics.circuitCount('sms', 'closed')).toBe(1);
  });
});
