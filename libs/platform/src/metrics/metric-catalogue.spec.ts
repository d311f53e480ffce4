import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Counter, Gauge, Registry } from 'prom-client';
import { serviceMetrics } from './alerts';
import './http-metrics';
import { catalogueMismatches, METRIC_CATALOGUE, MetricSpec, renderMetricTable, seriesNamesOf } from './metric-catalogue';

const METRICS_DOC = resolve(__dirname, '../../../../docs/metrics.md');
const entries = Object.entries(METRIC_CATALOGUE as Record<string, MetricSpec>);

describe('METRIC_CATALOGUE', () => {
  it('names every metric kirim_<snake_case>, counters in _total and histograms in _seconds', () => {
    for (const [name, spec] of entries) {
      expect(name).toMatch(/^kirim_[a-z][a-z0-9]*(_[a-z0-9]+)*$/);
      if (spec.type === 'counter') expect(name).toMatch(/_total$/);
      else expect(name).not.toMatch(/_total$/);
      if (spec.type === 'histogram') expect(name).toMatch(/_seconds$/);
      for (const label of Object.keys(spec.labels)) expect(label).toMatch(/^[a-z][a-z0-9_]*$/);
    }
  });

  it("agrees with what libs/platform registers (kirim_alerts_total and the HTTP metrics)", () => {
    expect(catalogueMismatches(serviceMetrics, 'platform')).toEqual([]);
  });

  it('finds a metric registered without an entry, one with another type or labels, and an entry never registered', () => {
    const registry = new Registry();
    new Counter({ name: 'kirim_stray_total', help: 'x', registers: [registry] });
    new Gauge({ name: 'kirim_http_requests_total', help: 'x', labelNames: ['method'], registers: [registry] });
    new Counter({ name: 'process_whatever_total', help: 'not ours, not checked', registers: [registry] });
    const problems = catalogueMismatches(registry, 'platform');
    expect(problems).toEqual(
      expect.arrayContaining([
        'kirim_stray_total is registered but not in METRIC_CATALOGUE',
        'kirim_http_requests_total is a gauge, the catalogue says counter',
        'kirim_http_requests_total has labels [method], the catalogue says [method,route,status]',
        'kirim_alerts_total (platform) is catalogued but not registered',
      ]),
    );
    expect(problems.join('\n')).not.toMatch(/process_whatever_total/);
  });

  it("gives a histogram's series names, which PromQL uses", () => {
    expect(seriesNamesOf('kirim_http_request_duration_seconds')).toEqual([
      'kirim_http_request_duration_seconds_bucket',
      'kirim_http_request_duration_seconds_sum',
      'kirim_http_request_duration_seconds_count',
    ]);
    expect(seriesNamesOf('kirim_alerts_total')).toEqual(['kirim_alerts_total']);
  });

  it('is documented in docs/metrics.md exactly as rendered from the catalogue', () => {
    expect(readFileSync(METRICS_DOC, 'utf8')).toContain(renderMetricTable());
  });
});
