/**
 * Every kirim_ metric the services expose, in one table: the Grafana dashboard
 * (deploy/k8s/base/monitoring/grafana-dashboard.json) and docs/metrics.md are checked against it,
 * and each metric is created from its entry (`catalogued`), so a metric cannot be added, renamed or
 * relabelled in code without the table, and a test of each owning project fails if an entry is not
 * registered. Node's process metrics (collectDefaultMetrics: `process_*`, `nodejs_*`) keep their
 * standard names and are not listed here.
 *
 * Labels are closed sets (never an id, a phone number or a URL): each entry's `labels` says what a
 * label can hold.
 */

export type MetricType = 'counter' | 'gauge' | 'histogram';

/** The code that defines a metric: libs/platform, libs/messaging or one service. */
export type MetricOwner = 'platform' | 'messaging' | 'payments' | 'bank-connector' | 'notifications';

export interface MetricSpec {
  readonly type: MetricType;
  /** The HELP line: what one unit means. */
  readonly help: string;
  /** Label name -> the closed set of values it takes (documentation). */
  readonly labels: Readonly<Record<string, string>>;
  readonly owner: MetricOwner;
  /** Which services expose it (docs/metrics.md). */
  readonly exposedBy: string;
}

const EVERY_SERVICE = 'every service';
const CONSUMERS = 'payments, bank-connector, notifications (the services that consume)';

export const METRIC_CATALOGUE = {
  kirim_alerts_total: {
    type: 'counter',
    help: 'Conditions an operator must act on (a payment that cannot end by itself, a record set aside), by alert name',
    labels: { alert: 'the alert name, kebab-case (raiseAlert refuses any other shape)' },
    owner: 'platform',
    exposedBy: EVERY_SERVICE,
  },
  kirim_http_requests_total: {
    type: 'counter',
    help: 'HTTP requests answered, by method, route template and status (4xx from guards, pipes, filters and body limits included)',
    labels: {
      method: 'GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, or OTHER',
      route: 'the route template (/v1/payments/:paymentId), or `unmatched` for a path no route serves',
      status: 'the HTTP status code, or `aborted` when the client went away before the answer',
    },
    owner: 'platform',
    exposedBy: EVERY_SERVICE,
  },
  kirim_http_request_duration_seconds: {
    type: 'histogram',
    help: 'Time from a request arriving to its answer being sent, by method, route template and status',
    labels: { method: 'as kirim_http_requests_total', route: 'as kirim_http_requests_total', status: 'as kirim_http_requests_total' },
    owner: 'platform',
    exposedBy: EVERY_SERVICE,
  },
  kirim_kafka_consumer_lag_messages: {
    type: 'gauge',
    help: "Messages on a partition this replica has not applied yet, counted against the broker's high watermark when the batch being applied was fetched (the whole batch from its arrival, falling as its chunks are applied)",
    labels: { topic: 'a consumed topic as on the broker (prefix included)', partition: 'the partition number' },
    owner: 'messaging',
    exposedBy: CONSUMERS,
  },
  kirim_dead_letters_total: {
    type: 'counter',
    help: 'Consumed records dead-lettered (written to dead_letters and the .dlq topic), by consumed topic and cause',
    labels: {
      topic: 'the consumed topic as on the broker (prefix included)',
      cause: 'rejected (signature, format, contract), refused (by its handler), handler-failed (replayable), duplicate-of-applied',
    },
    owner: 'messaging',
    exposedBy: CONSUMERS,
  },
  kirim_outbox_unpublished_messages: {
    type: 'gauge',
    help: 'Outbox rows not yet published to Kafka: exact up to 10000, above that the span of their positions (an upper bound); NaN when the database does not answer',
    labels: {},
    owner: 'messaging',
    exposedBy: EVERY_SERVICE,
  },
  kirim_outbox_oldest_unpublished_age_seconds: {
    type: 'gauge',
    help: 'Age of the oldest outbox row not yet published (0 when the outbox is empty); NaN when the database does not answer',
    labels: {},
    owner: 'messaging',
    exposedBy: EVERY_SERVICE,
  },
  kirim_outbox_quarantined_messages: {
    type: 'gauge',
    help: 'Outbox rows set aside in outbox_quarantine for an operator (exact up to 10000); NaN when the database does not answer',
    labels: {},
    owner: 'messaging',
    exposedBy: EVERY_SERVICE,
  },
  kirim_payment_outcomes_total: {
    type: 'counter',
    help: 'Payments that reached a final state, by outcome, result code and kind',
    labels: {
      outcome: 'completed, failed (the debit failed), reversed (the debit was given back)',
      result_code: "the payment's UPI result code when it is one kirim knows (libs/contracts RESULT_CODES), else `other`",
      kind: 'p2p, order (a merchant order), refund',
    },
    owner: 'payments',
    exposedBy: 'payments',
  },
  kirim_payment_leg_duration_seconds: {
    type: 'histogram',
    help: "Time from a bank leg's request to its answer being applied, by leg and answer (deemed outcomes are not answers and are not observed)",
    labels: { leg: 'debit, credit, reversal', outcome: 'succeeded, declined' },
    owner: 'payments',
    exposedBy: 'payments',
  },
  kirim_payment_status_checks_pending: {
    type: 'gauge',
    help: 'Payments whose pending leg is still unanswered after at least one status check, by leg; NaN when the database does not answer',
    labels: { leg: 'debit, credit, reversal' },
    owner: 'payments',
    exposedBy: 'payments',
  },
  kirim_payment_reversals_pending: {
    type: 'gauge',
    help: "Payments owing the payer a reversal, by where the reversal stands; NaN when the database does not answer",
    labels: { state: 'in_flight (sent, unanswered), retry_scheduled (failed, retried by its timer), needs_operator (retries used up)' },
    owner: 'payments',
    exposedBy: 'payments',
  },
  kirim_payment_saga_lag_seconds: {
    type: 'gauge',
    help: "The saga's lag new payments are admitted by (the longer of the age of payments' oldest unpublished outbox row and this replica's consumer apply delay), as this replica last sampled it; NaN without a sample from the last 20 sampling intervals",
    labels: {},
    owner: 'payments',
    exposedBy: 'payments',
  },
  kirim_payment_admission_in_flight: {
    type: 'gauge',
    help: 'Requests to start a payment this replica is working on (admitted, not yet answered); past PAYMENT_ADMISSION_MAX_IN_FLIGHT the next is refused',
    labels: {},
    owner: 'payments',
    exposedBy: 'payments',
  },
  kirim_payment_admission_refusals_total: {
    type: 'counter',
    help: 'Requests to start a payment answered 503 payments-overloaded, nothing recorded, by why',
    labels: { reason: 'saga-lag (the saga lagged past PAYMENT_ADMISSION_MAX_LAG_MS), in-flight (this replica was already working on PAYMENT_ADMISSION_MAX_IN_FLIGHT of them)' },
    owner: 'payments',
    exposedBy: 'payments',
  },
  kirim_bank_legs_total: {
    type: 'counter',
    help: 'Debit and credit legs bank-connector applied, by bank, direction and outcome',
    labels: {
      bank: 'a bank code bank-connector has a connector for, else `unknown`',
      direction: 'debit, credit',
      outcome: 'approved, declined (answered at once), forwarded (sent to a partner bank); a refused leg is a dead letter (kirim_dead_letters_total)',
    },
    owner: 'bank-connector',
    exposedBy: 'bank-connector',
  },
  kirim_partner_bank_answers_total: {
    type: 'counter',
    help: "Partner banks' answers to forwarded legs, by bank, direction and outcome",
    labels: { bank: 'a registered partner bank code', direction: 'debit, credit', outcome: 'approved, declined, duplicate' },
    owner: 'bank-connector',
    exposedBy: 'bank-connector',
  },
  kirim_partner_bank_answer_duration_seconds: {
    type: 'histogram',
    help: "Time from a leg's forwarding to a partner bank to its answer being applied, by bank and direction",
    labels: { bank: 'a registered partner bank code', direction: 'debit, credit' },
    owner: 'bank-connector',
    exposedBy: 'bank-connector',
  },
  kirim_notification_delivery_attempts_total: {
    type: 'counter',
    help: 'Notification delivery attempts, by channel and outcome (delivered, retry, dead)',
    labels: { channel: 'chat, sms, merchant-webhook', outcome: 'delivered, retry, dead' },
    owner: 'notifications',
    exposedBy: 'notifications',
  },
  kirim_notification_delivery_attempt_seconds: {
    type: 'histogram',
    help: 'How long one delivery attempt took, answer or timeout, by channel',
    labels: { channel: 'chat, sms, merchant-webhook' },
    owner: 'notifications',
    exposedBy: 'notifications',
  },
  kirim_notification_delivery_circuits: {
    type: 'gauge',
    help: "Delivery endpoints' circuits in this process, by channel and state, counting the endpoints the delivery worker serves now (deliveries due or in flight)",
    labels: { channel: 'chat, sms, merchant-webhook', state: 'closed, half-open, open' },
    owner: 'notifications',
    exposedBy: 'notifications',
  },
} as const satisfies Record<string, MetricSpec>;

export type MetricName = keyof typeof METRIC_CATALOGUE;

type LabelNamesOf<N extends MetricName> = Extract<keyof (typeof METRIC_CATALOGUE)[N]['labels'], string>;

/**
 * A metric's name, help and label names as the catalogue has them, for prom-client's constructors:
 * `new Counter({ ...catalogued('kirim_dead_letters_total'), registers: [serviceMetrics] })`.
 */
export function catalogued<N extends MetricName>(name: N): { readonly name: N; readonly help: string; readonly labelNames: readonly LabelNamesOf<N>[] } {
  const spec: MetricSpec = METRIC_CATALOGUE[name];
  return { name, help: spec.help, labelNames: Object.keys(spec.labels) as LabelNamesOf<N>[] };
}

/** What a registry holds, as far as the catalogue checks it (prom-client's Registry fits). */
export interface InspectableRegistry {
  getMetricsAsArray(): readonly { readonly name: string; readonly type?: unknown; readonly labelNames?: readonly string[] }[];
}

/**
 * Where `registry` and the catalogue disagree, as sentences (empty when they agree): a kirim_
 * metric registered but not catalogued or with another type or labels, and an entry of `owner`
 * that is not registered. Each owning project's tests call it after importing its metric modules.
 */
export function catalogueMismatches(registry: InspectableRegistry, owner: MetricOwner): string[] {
  const problems: string[] = [];
  const registered = new Map(registry.getMetricsAsArray().map((metric) => [metric.name, metric]));
  for (const [name, metric] of registered) {
    if (!name.startsWith('kirim_')) continue;
    const spec: MetricSpec | undefined = (METRIC_CATALOGUE as Record<string, MetricSpec>)[name];
    if (!spec) {
      problems.push(`${name} is registered but not in METRIC_CATALOGUE`);
      continue;
    }
    if (String(metric.type) !== spec.type) problems.push(`${name} is a ${String(metric.type)}, the catalogue says ${spec.type}`);
    const labels = [...(metric.labelNames ?? [])].sort().join(',');
    const expected = Object.keys(spec.labels).sort().join(',');
    if (labels !== expected) problems.push(`${name} has labels [${labels}], the catalogue says [${expected}]`);
  }
  for (const [name, spec] of Object.entries(METRIC_CATALOGUE as Record<string, MetricSpec>)) {
    if (spec.owner === owner && !registered.has(name)) problems.push(`${name} (${owner}) is catalogued but not registered`);
  }
  return problems;
}

/** The names a PromQL expression can use for a catalogued metric: a histogram's series too. */
export function seriesNamesOf(name: MetricName): string[] {
  return METRIC_CATALOGUE[name].type === 'histogram' ? [`${name}_bucket`, `${name}_sum`, `${name}_count`] : [name];
}

/** docs/metrics.md's table, rendered from the catalogue (the doc test keeps them equal). */
export function renderMetricTable(): string {
  const rows = Object.entries(METRIC_CATALOGUE as Record<string, MetricSpec>).map(([name, spec]) => {
    const labels = Object.entries(spec.labels).map(([label, values]) => `\`${label}\`: ${values}`).join('; ') || '—';
    return `| \`${name}\` | ${spec.type} | ${escapeCell(labels)} | ${escapeCell(spec.help)} | ${spec.exposedBy} |`;
  });
  return ['| name | type | labels | meaning | exposed by |', '| --- | --- | --- | --- | --- |', ...rows].join('\n');
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}
