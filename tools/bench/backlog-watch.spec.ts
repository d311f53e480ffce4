import { backlogOf, backlogText, BacklogWatch, peakOf } from './backlog-watch';

const PAYMENTS_METRICS = `# HELP kirim_kafka_consumer_lag_messages Messages on a partition behind the last one this replica handled
# TYPE kirim_kafka_consumer_lag_messages gauge
kirim_kafka_consumer_lag_messages{topic="kirim.bank.responses.v1",partition="0"} 120
kirim_kafka_consumer_lag_messages{topic="kirim.bank.responses.v1",partition="3"} 30
# TYPE kirim_outbox_unpublished_messages gauge
kirim_outbox_unpublished_messages 412
# TYPE kirim_outbox_oldest_unpublished_age_seconds gauge
kirim_outbox_oldest_unpublished_age_seconds 2.75
kirim_outbox_quarantined_messages 7
kirim_http_requests_total{route="/v1/payments",status="202"} 9000
`;

describe('backlogOf', () => {
  it('sums the consumer lag over partitions and reads the outbox gauges, nothing else', () => {
    expect(backlogOf(PAYMENTS_METRICS)).toEqual({ consumerLagMessages: 150, outboxRows: 412, outboxAgeSeconds: 2.75 });
  });

  it('counts a missing gauge (no consumer) or a NaN one (database away) as nothing waiting', () => {
    expect(backlogOf('kirim_outbox_unpublished_messages NaN\nkirim_outbox_oldest_unpublished_age_seconds NaN\n')).toEqual({ consumerLagMessages: 0, outboxRows: 0, outboxAgeSeconds: 0 });
    expect(backlogOf('')).toEqual({ consumerLagMessages: 0, outboxRows: 0, outboxAgeSeconds: 0 });
  });
});

describe('peakOf', () => {
  it('keeps each figure at its largest', () => {
    expect(peakOf({ consumerLagMessages: 5, outboxRows: 100, outboxAgeSeconds: 0.5 }, { consumerLagMessages: 50, outboxRows: 10, outboxAgeSeconds: 0.2 })).toEqual({
      consumerLagMessages: 50,
      outboxRows: 100,
      outboxAgeSeconds: 0.5,
    });
  });
});

describe('BacklogWatch', () => {
  it('keeps the peak per service over samples, adding replicas consumer lags, and counts samples a replica missed', async () => {
    const texts: Record<string, string[]> = {
      'http://p1/metrics': ['kirim_kafka_consumer_lag_messages{partition="0"} 10\nkirim_outbox_unpublished_messages 3', 'kirim_kafka_consumer_lag_messages{partition="0"} 400'],
      'http://p2/metrics': ['kirim_kafka_consumer_lag_messages{partition="1"} 20\nkirim_outbox_unpublished_messages 5', 'kirim_kafka_consumer_lag_messages{partition="1"} 100'],
      'http://b1/metrics': ['kirim_outbox_oldest_unpublished_age_seconds 1.5', 'fails'],
    };
    const watch = new BacklogWatch({ payments: ['http://p1/metrics', 'http://p2/metrics'], 'bank-connector': ['http://b1/metrics'] }, 1_000, async (url) => {
      const text = texts[url].shift();
      if (text === undefined || text === 'fails') throw new Error('connection refused');
      return text;
    });
    await watch.sample();
    await watch.sample();
    const backlog = await watch.stop();
    expect(backlog).toEqual({
      samples: 2,
      unreadable: 1,
      peaks: {
        payments: { consumerLagMessages: 500, outboxRows: 5, outboxAgeSeconds: 0 },
        'bank-connector': { consumerLagMessages: 0, outboxRows: 0, outboxAgeSeconds: 1.5 },
      },
    });
    expect(backlogText(backlog)).toBe(
      "backlog peaks (each service's /metrics every 1 s, 2 samples, 1 with a replica unreadable): payments consumer 500 behind, outbox 5 rows / 0.0 s; bank-connector consumer 0 behind, outbox 0 rows / 1.5 s",
    );
  });

  it('points at each replica the edge would forward to', async () => {
    const urls: string[] = [];
    const watch = BacklogWatch.forStack({ PAYMENTS_URL: 'http://127.0.0.1:3002,http://127.0.0.1:3102' }, async (url) => {
      urls.push(url);
      return '';
    });
    await watch.sample();
    expect(urls.sort()).toEqual([
      'http://127.0.0.1:3001/metrics',
      'http://127.0.0.1:3002/metrics',
      'http://127.0.0.1:3003/metrics',
      'http://127.0.0.1:3004/metrics',
      'http://127.0.0.1:3102/metrics',
    ]);
  });

  it('says when nothing was sampled', () => {
    expect(backlogText(null)).toBe('backlog peaks: not sampled');
    expect(backlogText({ peaks: {}, samples: 0, unreadable: 0 })).toBe('backlog peaks: not sampled');
  });
});
