import { diag, DiagLogger, DiagLogLevel } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOffSampler, BatchSpanProcessor, ParentBasedSampler, SpanExporter, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { loadConfig } from '../config/load-config';
import { instrumentHttpAndFetch } from './instrumentations';
import { QueryRedactingSpanProcessor } from './query-redacting.processor';
import { rememberStartedTracing } from './tracing-shutdown';
import { otlpTracesUrl, TracingConfig } from './tracing.config';

export interface TracingPlan {
  /** `service.name` on every span. */
  readonly serviceName: string;
  /** Where spans are sent; null when no endpoint is configured, and then no span is recorded. */
  readonly exportUrl: string | null;
  /** The share of new traces recorded when exporting; traces begun by a caller follow its sampled flag. */
  readonly samplingRatio: number;
}

/** Validates the OTEL_* variables (a bad one stops boot with its name) and decides what tracing does. */
export function planTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): TracingPlan {
  const config = loadConfig(TracingConfig, env);
  return { serviceName: config.OTEL_SERVICE_NAME ?? serviceName, exportUrl: otlpTracesUrl(config), samplingRatio: config.OTEL_TRACES_SAMPLER_ARG };
}

export type SpanExporterFactory = (url: string) => SpanExporter;

const otlpHttpExporter: SpanExporterFactory = (url) => new OTLPTraceExporter({ url });

export function createTracerProvider(plan: TracingPlan, exporterFor: SpanExporterFactory = otlpHttpExporter): NodeTracerProvider {
  // OTEL_RESOURCE_ATTRIBUTES (e.g. the pod's name) is honoured; the service name is ours.
  const resource = defaultResource()
    .merge(detectResources({ detectors: [envDetector] }))
    .merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: plan.serviceName }));
  if (plan.exportUrl === null) {
    // Nothing reads recorded spans, so none is recorded: every span is a non-recording one, which
    // still has its own span id in the trace it continues (or a new trace id). That is all the log
    // lines and the outgoing records need, without attribute, event or processor work per span.
    return new NodeTracerProvider({ resource, sampler: new AlwaysOffSampler() });
  }
  return new NodeTracerProvider({
    resource,
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(plan.samplingRatio) }),
    spanProcessors: [new QueryRedactingSpanProcessor(new BatchSpanProcessor(exporterFor(plan.exportUrl)))],
  });
}

function describeArgument(arg: unknown): string {
  if (arg instanceof Error) return arg.message;
  if (typeof arg === 'string') return arg;
  try {
    return JSON.stringify(arg) ?? String(arg);
  } catch {
    return String(arg);
  }
}

/** OpenTelemetry's own warnings (an unreachable collector, a refused export) as pino-shaped lines on stderr. */
class JsonLinesDiagLogger implements DiagLogger {
  constructor(private readonly serviceName: string) {}

  private write(level: number, message: string, args: unknown[]): void {
    const detail = args.map(describeArgument).join(' ');
    const line = { level, time: Date.now(), service: this.serviceName, context: 'OpenTelemetry', msg: detail ? `${message} ${detail}` : message };
    process.stderr.write(`${JSON.stringify(line)}\n`);
  }

  error = (message: string, ...args: unknown[]): void => this.write(50, message, args);
  warn = (message: string, ...args: unknown[]): void => this.write(40, message, args);
  info = (message: string, ...args: unknown[]): void => this.write(30, message, args);
  debug = (message: string, ...args: unknown[]): void => this.write(20, message, args);
  verbose = (message: string, ...args: unknown[]): void => this.write(10, message, args);
}

/**
 * Starts tracing for this process (docs/operations.md, "Traces"): incoming and outgoing HTTP and
 * fetch are traced, W3C `traceparent` is read and written, spans go to the OTLP/HTTP endpoint when
 * one is configured. Call it once, before the app is created; the service's main.ts imports
 * `@kirim/platform/tracing` first, so node:http is instrumented before anything loads it.
 */
export function startTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): TracingPlan {
  const plan = planTracing(serviceName, env);
  const provider = createTracerProvider(plan);
  rememberStartedTracing(provider);
  // Idempotent; fetch is instrumented whenever this runs, node:http only if nothing loaded it before.
  instrumentHttpAndFetch();
  diag.setLogger(new JsonLinesDiagLogger(plan.serviceName), DiagLogLevel.WARN);
  // The default context manager is AsyncLocalStorage. W3C trace context is the only propagator:
  // a client's `baggage` is not passed on to the services it reaches.
  provider.register({ propagator: new W3CTraceContextPropagator() });
  return plan;
}

