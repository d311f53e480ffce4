import { Writable } from 'node:stream';
import { context, propagation, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import pino from 'pino';
import { pinoHttpOptions, traceLogFields } from './logging.module';

const SPAN = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED, isRemote: true };

/** A pino logger with the service's options, writing its JSON lines into `lines`. */
function capturingLogger(lines: Record<string, unknown>[]): pino.Logger {
  const { level, base, mixin, formatters, serializers } = pinoHttpOptions('payments', 'info');
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
      done();
    },
  });
  return pino({ level, base, mixin, formatters, serializers }, sink);
}

describe('trace ids on log lines', () => {
  let provider: NodeTracerProvider;

  // The AsyncLocalStorage context manager, as startTracing registers it.
  beforeAll(() => {
    provider = new NodeTracerProvider();
    provider.register();
  });

  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
    context.disable();
    propagation.disable();
  });

  it('adds nothing outside a span', () => {
    expect(traceLogFields()).toEqual({});
  });

  it("adds the active span's trace id, span id and flags", () => {
    const fields = context.with(trace.setSpanContext(ROOT_CONTEXT, SPAN), () => traceLogFields());
    expect(fields).toEqual({ trace_id: SPAN.traceId, span_id: SPAN.spanId, trace_flags: '01' });
  });

  it('adds nothing for an invalid span context (no trace was started)', () => {
    const invalid = { ...SPAN, traceId: '0'.repeat(32) };
    expect(context.with(trace.setSpanContext(ROOT_CONTEXT, invalid), () => traceLogFields())).toEqual({});
  });

  it('puts them on every line the service logs while the span is active, also after an await', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = capturingLogger(lines);

    logger.info({ context: 'Boot' }, 'before');
    await context.with(trace.setSpanContext(ROOT_CONTEXT, SPAN), async () => {
      logger.info({ paymentId: 'p-1' }, 'inside');
      await new Promise((resolve) => setImmediate(resolve));
      logger.warn({ context: 'Handler' }, 'after an await');
    });

    logger.info({ context: 'Boot' }, 'after');

    expect(lines.map((line) => [line.msg, line.trace_id, line.span_id])).toEqual([
      ['before', undefined, undefined],
      ['inside', SPAN.traceId, SPAN.spanId],
      ['after an await', SPAN.traceId, SPAN.spanId],
      ['after', undefined, undefined],
    ]);
    expect(lines[1]).toMatchObject({ service: 'payments', paymentId: 'p-1', trace_flags: '01' });
  });
});
