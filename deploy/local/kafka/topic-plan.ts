import type { TopicSpec } from '@kirim/contracts';

export interface TopicPlan {
  readonly create: readonly TopicSpec[];
  /** Topics with fewer partitions than declared: partitions can be added. */
  readonly grow: readonly { readonly spec: TopicSpec; readonly from: number }[];
  /** Topics with more partitions than declared: Kafka cannot remove partitions, so they are kept and reported. */
  readonly larger: readonly { readonly spec: TopicSpec; readonly have: number }[];
  readonly unchanged: readonly TopicSpec[];
}

/** What to do to bring the broker's topics (name -> partition count) to the catalogue. Topics outside it are left alone. */
export function planTopics(catalogue: readonly TopicSpec[], existing: ReadonlyMap<string, number>): TopicPlan {
  const plan = { create: [] as TopicSpec[], grow: [] as { spec: TopicSpec; from: number }[], larger: [] as { spec: TopicSpec; have: number }[], unchanged: [] as TopicSpec[] };
  for (const spec of catalogue) {
    const have = existing.get(spec.name);
    if (have === undefined) plan.create.push(spec);
    else if (have < spec.partitions) plan.grow.push({ spec, from: have });
    else if (have > spec.partitions) plan.larger.push({ spec, have });
    else plan.unchanged.push(spec);
  }
  return plan;
}

/** The topic-level configs the catalogue declares, as kafkajs' createTopics takes them (`configEntries`). */
export function topicConfigEntries(spec: TopicSpec): { name: string; value: string }[] {
  return [{ name: 'retention.ms', value: String(spec.retentionMs) }];
}

/**
 * Existing topics whose `retention.ms` (name -> value as the broker describes it, undefined when the
 * broker has none for it) differs from the catalogue's, so the local broker keeps what Kubernetes keeps.
 * Topics the broker did not describe are skipped: they are created with their configs.
 */
export function planRetention(catalogue: readonly TopicSpec[], existing: ReadonlyMap<string, string | undefined>): { readonly spec: TopicSpec; readonly from: string | undefined }[] {
  return catalogue.filter((spec) => existing.has(spec.name) && existing.get(spec.name) !== String(spec.retentionMs)).map((spec) => ({ spec, from: existing.get(spec.name) }));
}
