import { context, propagation, ROOT_CONTEXT, trace, TraceFlags } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { outgoingTraceparent } from './outbox-writer';

const ACTIVE = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED };
const ACTIVE_TRACEPARENT = `00-${ACTIVE.traceId}-${ACTIVE.spanId}-01`;
const OTHER_TRACE = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

function whileActive<T>(work: () => T): T {
  return context.with(trace.setSpanContext(ROOT_CONTEXT, ACTIVE), work);
}

describe('outgoingTraceparent (what the outbox stores with a message)', () => {
  let provider: NodeTracerProvider;

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

  it("is the active span's context, so the span handling the message is its child", () => {
    expect(whileActive(() => outgoingTraceparent())).toBe(ACTIVE_TRACEPARENT);
  });

  it('is the active span also when the explicit parent is of the same trace (the request that span continues)', () => {
    expect(whileActive(() => outgoingTraceparent(`00-${ACTIVE.traceId}-b7ad6b7169203331-01`))).toBe(ACTIVE_TRACEPARENT);
  });

  it("keeps an explicit parent of another trace: a replayed message continues its own trace, not the operator's request", () => {
    const stored = whileActive(() => outgoingTraceparent(OTHER_TRACE));
    expect(stored).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
    expect(stored).not.toBe(OTHER_TRACE);
  });

  it('without an active span is a child of the explicit parent, or the start of a new trace', () => {
    expect(outgoingTraceparent(OTHER_TRACE)).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-(?!b7ad6b7169203331)[0-9a-f]{16}-01$/);
    const fresh = outgoingTraceparent();
    expect(fresh).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(fresh.split('-')[1]).not.toBe(ACTIVE.traceId);
  });
});
