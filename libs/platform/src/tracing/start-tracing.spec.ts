import { context, propagation, ROOT_CONTEXT, SpanKind, trace, TraceFlags } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace-base';
import type { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { ConfigError } from '../config/config-error';
import { createTracerProvider, planTracing, startTracing, TracingPlan } from './start-tracing';
import { shutdownTracing } from './tracing-shutdown';

const REMOTE_SAMPLED = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED, isRemote: true };

function configErrorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('planTracing (OTEL_* validated at boot)', () => {
  it('exports nothing when no endpoint is set, and names spans after the service', () => {
    expect(planTracing('payments', {})).toEqual({ serviceName: 'payments', exportUrl: null, samplingRatio: 1 });
  });

  it("sends to the collector's /v1/traces under OTEL_EXPORTER_OTLP_ENDPOINT", () => {
    expect(planTracing('payments', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }).exportUrl).toBe('http://collector:4318/v1/traces');
  });

  it('uses OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as it is, ahead of the general endpoint', () => {
    const plan = planTracing('payments', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://traces.example/otlp/spans' });
    expect(plan.exportUrl).toBe('https://traces.example/otlp/spans');
  });

  it('takes OTEL_SERVICE_NAME and a sampling ratio', () => {
    expect(planTracing('payments', { OTEL_SERVICE_NAME: 'kirim-payments', OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' })).toEqual({
      serviceName: 'kirim-payments',
      exportUrl: null,
      samplingRatio: 0.25,
    });
  });

  it('names each bad variable and why, never its value', () => {
    const error = configErrorOf(() =>
      planTracing('payments', {
        OTEL_EXPORTER_OTLP_ENDPOINT: 'collector-secret:4318',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'ftp://collector-secret/v1/traces',
        OTEL_TRACES_SAMPLER: 'always_on',
        OTEL_TRACES_SAMPLER_ARG: '1.5',
        OTEL_SERVICE_NAME: 'two words',
      }),
    );
    expect(error.problems).toEqual(
      expect.arrayContaining([
        'OTEL_EXPORTER_OTLP_ENDPOINT must be a http:// or https:// URL',
        'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT must be a http:// or https:// URL',
        expect.stringMatching(/^OTEL_TRACES_SAMPLER must be parentbased_traceidratio/),
        'OTEL_TRACES_SAMPLER_ARG must be a number from 0 to 1',
        expect.stringMatching(/^OTEL_SERVICE_NAME must be/),
      ]),
    );
    expect(error.message).not.toContain('secret');
  });
});

describe('createTracerProvider', () => {
  const exported = new InMemorySpanExporter();
  const exporterUrls: string[] = [];
  const exporterFor = (url: string): InMemorySpanExporter => {
    exporterUrls.push(url);
    return exported;
  };
  let provider: NodeTracerProvider | undefined;

  /** Registers the provider as startTracing does (AsyncLocalStorage context manager included). */
  function use(plan: TracingPlan): NodeTracerProvider {
    provider = createTracerProvider(plan, exporterFor);
    provider.register();
    return provider;
  }

  afterEach(async () => {
    await provider?.shutdown();
    provider = undefined;
    exported.reset();
    exporterUrls.length = 0;
    trace.disable();
    context.disable();
    propagation.disable();
  });

  it('without an endpoint makes no exporter, yet every span has ids: a new trace, or the caller it continues', () => {
    use({ serviceName: 'payments', exportUrl: null, samplingRatio: 1 });
    const tracer = trace.getTracer('test');

    const root = tracer.startSpan('request');
    const child = tracer.startSpan('record', {}, trace.setSpanContext(ROOT_CONTEXT, REMOTE_SAMPLED));

    expect(exporterUrls).toEqual([]);
    expect([root.isRecording(), child.isRecording()]).toEqual([false, false]);
    expect(trace.isSpanContextValid(root.spanContext())).toBe(true);
    expect(child.spanContext().traceId).toBe(REMOTE_SAMPLED.traceId);
    expect(child.spanContext().spanId).not.toBe(REMOTE_SAMPLED.spanId);
  });

  it('with an endpoint exports recorded spans under the service name, query strings redacted', async () => {
    const traced = use({ serviceName: 'payments', exportUrl: 'http://collector:4318/v1/traces', samplingRatio: 1 });
    const span = trace.getTracer('test').startSpan('GET', { kind: SpanKind.SERVER, attributes: { 'url.full': 'http://edge/v1/payees?phone=%2B919800000001', 'url.query': 'phone=%2B919800000001', 'url.path': '/v1/payees' } });
    span.setAttribute('http.target', '/v1/payees?phone=%2B919800000001');
    span.end();
    await traced.forceFlush();

    expect(exporterUrls).toEqual(['http://collector:4318/v1/traces']);
    const [sent] = exported.getFinishedSpans();
    expect(sent.resource.attributes['service.name']).toBe('payments');
    expect(sent.attributes).toMatchObject({ 'url.full': 'http://edge/v1/payees?REDACTED', 'url.query': 'REDACTED', 'http.target': '/v1/payees?REDACTED', 'url.path': '/v1/payees' });
    expect(JSON.stringify(sent.attributes)).not.toContain('9800000001');
  });

  it("samples new traces by the ratio, and follows a caller's sampled flag whatever the ratio", () => {
    use({ serviceName: 'payments', exportUrl: 'http://collector:4318/v1/traces', samplingRatio: 0 });
    const tracer = trace.getTracer('test');

    expect(tracer.startSpan('new trace').isRecording()).toBe(false);
    expect(tracer.startSpan('sampled caller', {}, trace.setSpanContext(ROOT_CONTEXT, REMOTE_SAMPLED)).isRecording()).toBe(true);
    const unsampled = { ...REMOTE_SAMPLED, traceFlags: TraceFlags.NONE };
    expect(tracer.startSpan('unsampled caller', {}, trace.setSpanContext(ROOT_CONTEXT, unsampled)).isRecording()).toBe(false);
  });
});

describe('startTracing', () => {
  afterAll(() => {
    trace.disable();
    context.disable();
    propagation.disable();
  });

  it('registers the tracer provider, W3C trace context and the context manager once, and shutdown stops it', async () => {
    expect(startTracing('payments', {})).toEqual({ serviceName: 'payments', exportUrl: null, samplingRatio: 1 });
    expect(() => startTracing('payments', {})).toThrow('tracing is already started');

    const caller = { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' };
    const extracted = propagation.extract(ROOT_CONTEXT, caller);
    const span = trace.getTracer('test').startSpan('request', {}, extracted);
    const forwarded: Record<string, string> = {};
    context.with(trace.setSpan(extracted, span), () => propagation.inject(context.active(), forwarded));

    expect(forwarded.traceparent).toBe(`00-4bf92f3577b34da6a3ce929d0e0e4736-${span.spanContext().spanId}-00`);
    await expect(shutdownTracing(1000)).resolves.toBe(true);
  });
});
