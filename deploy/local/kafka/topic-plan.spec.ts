import { topicCatalogueWithPartners } from '@kirim/contracts';
import { planRetention, planTopics, topicConfigEntries } from './topic-plan';

const catalogue = topicCatalogueWithPartners(['XMPL']);

describe('planTopics', () => {
  it('creates the whole catalogue on an empty broker', () => {
    expect(planTopics(catalogue, new Map())).toEqual({ create: catalogue, grow: [], larger: [], unchanged: [] });
  });

  it('grows a topic with fewer partitions and keeps one with more', () => {
    const [first, second, ...rest] = catalogue;
    const existing = new Map([
      [first.name, first.partitions - 1],
      [second.name, second.partitions + 2],
      ...rest.map((topic) => [topic.name, topic.partitions] as [string, number]),
      ['someone.elses.topic', 3] as [string, number],
    ]);
    expect(planTopics(catalogue, existing)).toEqual({ create: [], grow: [{ spec: first, from: first.partitions - 1 }], larger: [{ spec: second, have: second.partitions + 2 }], unchanged: rest });
  });
});

describe('retention', () => {
  it('creates topics with the catalogue’s retention', () => {
    const [main] = catalogue;
    expect(topicConfigEntries(main)).toEqual([{ name: 'retention.ms', value: String(main.retentionMs) }]);
  });

  it('re-sets the retention of existing topics that differ from the catalogue, and leaves undescribed ones to creation', () => {
    const [first, second, third] = catalogue;
    const existing = new Map<string, string | undefined>([
      [first.name, String(first.retentionMs)],
      [second.name, '604800'],
      [third.name, undefined],
    ]);
    expect(planRetention(catalogue, existing)).toEqual([
      { spec: second, from: '604800' },
      { spec: third, from: undefined },
    ]);
  });
});
