import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Registry } from 'prom-client';
import { collectProcessMetrics, METRIC_CATALOGUE, MetricName, seriesNamesOf } from '@kirim/platform';

const DASHBOARD_FILE = resolve(__dirname, 'k8s/base/monitoring/grafana-dashboard.json');

interface Target {
  readonly refId?: string;
  readonly expr?: string;
  readonly datasource?: { readonly type?: string; readonly uid?: string };
}

interface Panel {
  readonly id?: number;
  readonly type?: string;
  readonly title?: string;
  readonly datasource?: { readonly type?: string; readonly uid?: string };
  readonly targets?: readonly Target[];
  readonly panels?: readonly Panel[];
  readonly gridPos?: { readonly h: number; readonly w: number; readonly x: number; readonly y: number };
}

interface Dashboard {
  readonly uid: string;
  readonly panels: readonly Panel[];
  readonly templating: { readonly list: readonly { readonly name: string; readonly type: string; readonly query?: unknown }[] };
}

/** PromQL's functions, aggregations and keywords: every other name in an expression is a metric. */
const PROMQL_WORDS = new Set([
  'sum', 'min', 'max', 'avg', 'count', 'stddev', 'stdvar', 'topk', 'bottomk', 'quantile', 'count_values', 'group',
  'rate', 'irate', 'increase', 'delta', 'idelta', 'deriv', 'resets', 'changes', 'histogram_quantile', 'absent', 'absent_over_time',
  'avg_over_time', 'max_over_time', 'min_over_time', 'sum_over_time', 'count_over_time', 'last_over_time', 'quantile_over_time',
  'clamp', 'clamp_min', 'clamp_max', 'abs', 'ceil', 'floor', 'round', 'scalar', 'vector', 'time', 'timestamp', 'label_replace', 'label_join', 'sort', 'sort_desc',
  'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset',
]);

/** The metric names an expression reads: label matchers, ranges, groupings and strings taken out first. */
function metricNamesIn(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = bare.match(/[A-Za-z_:][A-Za-z0-9_:]*/g) ?? [];
  return [...new Set(names.filter((name) => !PROMQL_WORDS.has(name)))];
}

function allPanels(panels: readonly Panel[]): Panel[] {
  return panels.flatMap((panel) => [panel, ...allPanels(panel.panels ?? [])]);
}

/** Every series the code exposes: the catalogue's (a histogram's three series each) and Node's process metrics. */
function exposedSeries(): Set<string> {
  const names = new Set<string>((Object.keys(METRIC_CATALOGUE) as MetricName[]).flatMap((name) => seriesNamesOf(name)));
  const processMetrics = new Registry();
  collectProcessMetrics(processMetrics);
  for (const metric of processMetrics.getMetricsAsArray()) {
    const type = (metric as unknown as { type: string }).type;
    for (const name of type === 'histogram' ? [`${metric.name}_bucket`, `${metric.name}_sum`, `${metric.name}_count`] : [metric.name]) names.add(name);
  }
  return names;
}

describe('the Grafana dashboard (deploy/k8s/base/monitoring/grafana-dashboard.json)', () => {
  const dashboard = JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8')) as Dashboard;
  const panels = allPanels(dashboard.panels);
  const queried = panels.filter((panel) => panel.type !== 'row');
  const expressions = queried.flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel: panel.title ?? '?', expr: target.expr ?? '' })));

  it('reads only metrics the services register', () => {
    const known = exposedSeries();
    const unknown = expressions.flatMap(({ panel, expr }) => metricNamesIn(expr).filter((name) => !known.has(name)).map((name) => `${panel}: ${name}`));
    expect(unknown).toEqual([]);
    for (const { panel, expr } of expressions) expect({ panel, names: metricNamesIn(expr).length > 0 }).toEqual({ panel, names: true });
  });

  it('shows what an operator watches: requests, latency, lag, outbox, dead letters, payments, legs, pending work, alerts, deliveries', () => {
    const used = new Set(expressions.flatMap(({ expr }) => metricNamesIn(expr)));
    expect([...used]).toEqual(
      expect.arrayContaining([
        'kirim_http_requests_total',
        'kirim_http_request_duration_seconds_bucket',
        'kirim_kafka_consumer_lag_messages',
        'kirim_outbox_unpublished_messages',
        'kirim_outbox_oldest_unpublished_age_seconds',
        'kirim_dead_letters_total',
        'kirim_payment_outcomes_total',
        'kirim_payment_leg_duration_seconds_bucket',
        'kirim_payment_status_checks_pending',
        'kirim_payment_reversals_pending',
        'kirim_alerts_total',
        'kirim_notification_delivery_attempts_total',
      ]),
    );
  });

  it('queries the Prometheus data source the viewer picks (${datasource}) on every panel and target', () => {
    const datasource = dashboard.templating.list.find((variable) => variable.name === 'datasource');
    expect(datasource).toMatchObject({ type: 'datasource', query: 'prometheus' });
    for (const panel of queried) {
      expect({ panel: panel.title, datasource: panel.datasource }).toEqual({ panel: panel.title, datasource: { type: 'prometheus', uid: '${datasource}' } });
      for (const target of panel.targets ?? []) expect(target.datasource?.uid).toBe('${datasource}');
    }
  });

  it('has panels with unique ids and places, each with at least one query', () => {
    const ids = panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    const places = panels.map((panel) => `${panel.gridPos?.x},${panel.gridPos?.y}`);
    expect(new Set(places).size).toBe(places.length);
    for (const panel of queried) expect((panel.targets ?? []).length).toBeGreaterThan(0);
  });
});

describe('metricNamesIn', () => {
  it('finds the metric names of an expression and nothing else', () => {
    expect(
      metricNamesIn('histogram_quantile(0.99, sum by (job, route, le) (rate(kirim_http_request_duration_seconds_bucket{job=~"$service", route!~"/health/.*"}[$__rate_interval])))'),
    ).toEqual(['kirim_http_request_duration_seconds_bucket']);
    expect(metricNamesIn('max by (job) (kirim_outbox_unpublished_messages) / on (job) group_left kirm_typo_total')).toEqual(['kirim_outbox_unpublished_messages', 'kirm_typo_total']);
  });
});
