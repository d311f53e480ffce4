import { eventually } from '@kirim/testing';
import { Api, Party } from './support/api';
import { MetricSample, parseExposition } from './support/metrics-exposition';
import { freshParty } from './support/parties';

/**
 * Each service's `/metrics` on its own port, as Prometheus scrapes it (the edge does not route it),
 * around one payment made through the edge as a client makes it: the payment is counted by outcome,
 * its request by route template, and nothing of the parties or the payment shows in a label.
 */
const SERVICES = {
  identity: process.env.IDENTITY_URL ?? 'http://127.0.0.1:3001',
  payments: process.env.PAYMENTS_URL ?? 'http://127.0.0.1:3002',
  'bank-connector': process.env.BANK_CONNECTOR_URL ?? 'http://127.0.0.1:3003',
  notifications: process.env.NOTIFICATIONS_URL ?? 'http://127.0.0.1:3004',
} as const;

type ServiceName = keyof typeof SERVICES;

/** The services with a Kafka consumer: identity only publishes. */
const CONSUMERS: readonly ServiceName[] = ['payments', 'bank-connector', 'notifications'];

interface Scrape {
  readonly text: string;
  readonly samples: readonly MetricSample[];
}

async function scrape(service: ServiceName): Promise<Scrape> {
  const response = await fetch(`${SERVICES[service]}/metrics`);
  expect({ service, status: response.status }).toEqual({ service, status: 200 });
  expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
  const text = await response.text();
  return { text, samples: parseExposition(text) };
}

/** The sum of `name`'s samples whose labels include `labels`. */
function total(scraped: Scrape, name: string, labels: Record<string, string> = {}): number {
  return scraped.samples
    .filter((sample) => sample.name === name && Object.entries(labels).every(([label, value]) => sample.labels[label] === value))
    .reduce((sum, sample) => sum + sample.value, 0);
}

function samplesOf(scraped: Scrape, name: string): MetricSample[] {
  return scraped.samples.filter((sample) => sample.name === name);
}

describe('metrics on every service (e2e, running stack)', () => {
  const api = new Api();
  let asha: Party;
  let bala: Party;

  beforeAll(async () => {
    asha = await freshParty(api, 'metrics payer', 'SBXA', '1000.00');
    bala = await freshParty(api, 'metrics payee', 'SBXB', '10.00');
  });

  it('counts a payment made through the edge by outcome, and its request by route template and status', async () => {
    const before = await scrape('payments');
    const accepted = await api.payAccepted(asha, { payeePhone: bala.phone, amount: '25.00', note: 'e2e metrics' });
    expect((await api.waitUntilFinal(asha, accepted.paymentId)).status).toBe('completed');

    const after = await scrape('payments');
    expect(total(after, 'kirim_payment_outcomes_total', { outcome: 'completed', result_code: '00', kind: 'p2p' }) - total(before, 'kirim_payment_outcomes_total', { outcome: 'completed', result_code: '00', kind: 'p2p' })).toBeGreaterThanOrEqual(1);
    const payRequests = { method: 'POST', route: '/v1/payments', status: '202' };
    expect(total(after, 'kirim_http_requests_total', payRequests) - total(before, 'kirim_http_requests_total', payRequests)).toBeGreaterThanOrEqual(1);
    const reads = { method: 'GET', route: '/v1/payments/:paymentId', status: '200' };
    expect(total(after, 'kirim_http_requests_total', reads) - total(before, 'kirim_http_requests_total', reads)).toBeGreaterThanOrEqual(1);
    // The debit and the credit were answered: each leg's latency was observed.
    for (const leg of ['debit', 'credit']) {
      const answered = { leg, outcome: 'succeeded' };
      expect(total(after, 'kirim_payment_leg_duration_seconds_count', answered) - total(before, 'kirim_payment_leg_duration_seconds_count', answered)).toBeGreaterThanOrEqual(1);
    }

    // Nothing of the parties or the payment is a label value, on any service.
    for (const service of Object.keys(SERVICES) as ServiceName[]) {
      const { text } = await scrape(service);
      for (const secret of [asha.phone, bala.phone, asha.phone.replace('+', ''), accepted.paymentId, accepted.txnId, asha.userId, bala.userId]) {
        expect({ service, leaks: text.includes(secret) }).toEqual({ service, leaks: false });
      }
    }
  });

  it("exposes each service's outbox backlog read from its database, and process metrics", async () => {
    for (const service of Object.keys(SERVICES) as ServiceName[]) {
      const scraped = await scrape(service);
      for (const name of ['kirim_outbox_unpublished_messages', 'kirim_outbox_oldest_unpublished_age_seconds', 'kirim_outbox_quarantined_messages']) {
        const [sample] = samplesOf(scraped, name);
        // A number, not NaN: the scrape read the service's own outbox.
        expect({ service, name, value: sample?.value }).toEqual({ service, name, value: expect.any(Number) });
        expect({ service, name, finite: Number.isFinite(sample.value) && sample.value >= 0 }).toEqual({ service, name, finite: true });
      }
      expect({ service, cpu: samplesOf(scraped, 'process_cpu_seconds_total').length }).toEqual({ service, cpu: 1 });
      expect({ service, requests: samplesOf(scraped, 'kirim_http_requests_total').length > 0 }).toEqual({ service, requests: true });
    }
  });

  it('exposes consumer lag per consumed topic and partition on every service that consumes, and none on identity', async () => {
    // After the payment every consumer has handled a batch: bank-connector the legs, payments the
    // answers, notifications the payment's events.
    await eventually(async () => {
      for (const service of CONSUMERS) {
        const lag = samplesOf(await scrape(service), 'kirim_kafka_consumer_lag_messages');
        expect({ service, reported: lag.length > 0 }).toEqual({ service, reported: true });
        for (const sample of lag) {
          expect(sample.labels.topic).toMatch(/^[a-z0-9.-]+$/);
          expect(sample.labels.partition).toMatch(/^\d+$/);
          expect(sample.value).toBeGreaterThanOrEqual(0);
        }
      }
    });
    expect(samplesOf(await scrape('identity'), 'kirim_kafka_consumer_lag_messages')).toEqual([]);
    // Registered, so a dead letter would show: the series appear with the first one.
    expect((await scrape('payments')).text).toMatch(/^# TYPE kirim_dead_letters_total counter$/m);
  });

  it("exposes the payments waiting on banks and on operators, read from payments' database", async () => {
    const scraped = await scrape('payments');
    expect(samplesOf(scraped, 'kirim_payment_status_checks_pending').map((sample) => sample.labels.leg).sort()).toEqual(['credit', 'debit', 'reversal']);
    expect(samplesOf(scraped, 'kirim_payment_reversals_pending').map((sample) => sample.labels.state).sort()).toEqual(['in_flight', 'needs_operator', 'retry_scheduled']);
    for (const sample of [...samplesOf(scraped, 'kirim_payment_status_checks_pending'), ...samplesOf(scraped, 'kirim_payment_reversals_pending')]) {
      expect(Number.isFinite(sample.value)).toBe(true);
    }
  });
});
