import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The sweep's latency-throughput curve as an SVG image: x the completed payments/s of each step
 * (its steady window), y its p50, p99 and p99.9 latency from the scheduled moment to the final one,
 * on a log scale; each point labelled with the rate offered. Drawn with Vega (headless, no canvas:
 * `renderer: 'none'` and toSVG()), from a Vega specification written here.
 */

export interface CurvePoint {
  readonly offeredRate: number;
  readonly completedPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly p999Ms: number;
}

// p99.9 dashed: with few payments per step it often equals p99, and would hide it.
const SERIES = [
  { name: 'p50', field: 'p50Ms', color: '#1f77b4', dash: [1, 0] },
  { name: 'p99', field: 'p99Ms', color: '#ff7f0e', dash: [1, 0] },
  { name: 'p99.9', field: 'p999Ms', color: '#d62728', dash: [6, 4] },
] as const;

/**
 * The Vega specification of the chart (plain JSON); `subtitle` one line per entry. Steps without a
 * final payment have no latency to draw and are left out.
 */
export function latencyThroughputSpec(points: readonly CurvePoint[], title: string, subtitle: readonly string[]): Record<string, unknown> {
  const values = points.flatMap((point) =>
    SERIES.filter((series) => point[series.field] > 0).map((series) => ({
      percentile: series.name,
      offeredRate: point.offeredRate,
      completedPerSecond: point.completedPerSecond,
      latencyMs: point[series.field],
    })),
  );
  const encodeXY = { x: { scale: 'x', field: 'completedPerSecond' }, y: { scale: 'y', field: 'latencyMs' } };
  return {
    $schema: 'https://vega.github.io/schema/vega/v6.json',
    width: 640,
    height: 400,
    padding: 12,
    background: 'white',
    title: { text: title, subtitle: [...subtitle], anchor: 'start', fontSize: 14, subtitleFontSize: 11 },
    data: [
      { name: 'points', values },
      { name: 'labels', source: 'points', transform: [{ type: 'filter', expr: `datum.percentile === '${SERIES[SERIES.length - 1].name}'` }] },
    ],
    scales: [
      { name: 'x', type: 'linear', domain: { data: 'points', field: 'completedPerSecond' }, range: 'width', nice: true, zero: true },
      { name: 'y', type: 'log', domain: { data: 'points', field: 'latencyMs' }, range: 'height', nice: true },
      { name: 'color', type: 'ordinal', domain: SERIES.map((series) => series.name), range: SERIES.map((series) => series.color) },
      { name: 'dash', type: 'ordinal', domain: SERIES.map((series) => series.name), range: SERIES.map((series) => [...series.dash]) },
    ],
    axes: [
      { orient: 'bottom', scale: 'x', title: 'completed payments/s sustained in each step', grid: true },
      { orient: 'left', scale: 'y', title: 'latency from scheduled send to final (ms, log scale)', grid: true },
    ],
    legends: [{ stroke: 'color', fill: 'color', title: 'percentile', orient: 'top-left', symbolType: 'circle' }],
    marks: [
      {
        type: 'group',
        from: { facet: { name: 'series', data: 'points', groupby: 'percentile' } },
        marks: [
          // In the order of the steps (the offered rate): past saturation completed/s may go back.
          { type: 'line', from: { data: 'series' }, sort: { field: 'datum.offeredRate' }, encode: { enter: { ...encodeXY, stroke: { scale: 'color', field: 'percentile' }, strokeDash: { scale: 'dash', field: 'percentile' }, strokeWidth: { value: 2 } } } },
          { type: 'symbol', from: { data: 'series' }, encode: { enter: { ...encodeXY, fill: { scale: 'color', field: 'percentile' }, size: { value: 40 } } } },
        ],
      },
      {
        type: 'text',
        from: { data: 'labels' },
        encode: { enter: { ...encodeXY, text: { signal: "datum.offeredRate + '/s offered'" }, dy: { value: -10 }, align: { value: 'center' }, fontSize: { value: 10 }, fill: { value: '#444' } } },
      },
    ],
  };
}

interface VegaModule {
  parse(spec: unknown): unknown;
  View: new (runtime: unknown, options: { renderer: 'none' }) => { toSVG(): Promise<string>; finalize(): void };
}

/**
 * A real dynamic import: TypeScript compiled to CommonJS (tools/ts-register.cjs) would turn `import()`
 * into `require()`, which cannot load an ES module such as vega on Node 20.
 */
const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

async function loadVega(): Promise<VegaModule> {
  // Resolved the CommonJS way first, so that NODE_PATH and this file's node_modules both count.
  let specifier = 'vega';
  try {
    specifier = pathToFileURL(require.resolve('vega')).href;
  } catch {
    // left to import() to find, or to say it cannot
  }
  return (await importModule(specifier)) as VegaModule;
}

export async function renderLatencyChart(spec: Record<string, unknown>): Promise<string> {
  const vega = await loadVega();
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export async function writeLatencyChart(file: string, points: readonly CurvePoint[], title: string, subtitle: readonly string[]): Promise<void> {
  const svg = await renderLatencyChart(latencyThroughputSpec(points, title, subtitle));
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, svg.endsWith('\n') ? svg : `${svg}\n`);
}
