import { Logger } from '@nestjs/common';
import { context, propagation, SpanContext, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AlwaysOnSampler, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { DataSource, EntityManager } from 'typeorm';
import { BankLegRequested, EVENT_SOURCES, EVENT_TYPES, KirimEvent, TOPICS } from '@kirim/contracts';
import type { InboundMessageContext } from '../messaging.types';
import { OutboxWriter } from '../outbox/outbox-writer';
import { BatchProcessor } from './batch-processor';
import type { DeadLetterPublisher } from './dead-letter.publisher';
import { consumedRecord, everyMessageNew, legCommand } from './bank-leg-command.fixture';

const TRACE_A = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACE_B = '0af7651916cd43dd8448eb211c80319c';
const FAILING_AMOUNT = '13.13';



/** The chunk's transaction as the processor uses it: the inbox takes every message, the outbox rows are kept. */
function fakeDatabase(): { dataSource: DataSource; outboxRows: unknown[][] } {
  const outboxRows: unknown[][] = [];
  const manager = {
    query: async (sql: string, params: unknown[] = []): Promise<unknown[]> => {
      if (sql.includes('INSERT INTO inbox_messages')) {
        return everyMessageNew(sql, params);
      }
      if (sql.includes('INSERT INTO outbox_messages')) {
        // One array parameter per column (OutboxRows): row i is every array's i-th value.
        const columns = params as unknown[][];
        for (let row = 0; row < columns[0].length; row += 1) outboxRows.push(columns.map((values) => values[row]));
      }
      return [];
    },
  } as unknown as EntityManager;
  const dataSource = { transaction: async <T>(work: (m: EntityManager) => Promise<T>): Promise<T> => work(manager) } as unknown as DataSource;
  return { dataSource, outboxRows };
}

describe('BatchProcessor tracing: each record handled in its own CONSUMER span', () => {
  const spans = new InMemorySpanExporter();
  let provider: NodeTracerProvider;

  beforeAll(() => {
    provider = new NodeTracerProvider({ sampler: new AlwaysOnSampler(), spanProcessors: [new SimpleSpanProcessor(spans)] });
    provider.register();
  });

  afterEach(() => {
    spans.reset();
    jest.restoreAllMocks();
  });

  afterAll(async () => {
    await provider.shutdown();
    trace.disable();
    context.disable();
    propagation.disable();
  });

  /** A bank-connector-like handler: it notes the span it runs in and answers each debit through the outbox. */
  function processorFor(dataSource: DataSource, seen: Map<string, SpanContext | undefined>): BatchProcessor {
    const dispatch = async (event: KirimEvent<object>, ctx: InboundMessageContext): Promise<void> => {
      const leg = event.data as BankLegRequested;
      seen.set(leg.paymentId, trace.getSpanContext(context.active()));
      await new Promise((resolve) => setImmediate(resolve));
      if (leg.amount.value === FAILING_AMOUNT) throw new Error('the test handler fails on this amount');
      await ctx.tx.publish({
        type: EVENT_TYPES.BANK_DEBIT_SUCCEEDED,
        key: leg.paymentId,
        data: { requestId: leg.requestId, paymentId: leg.paymentId, purpose: leg.purpose, bankCode: leg.bankCode, accountRef: leg.accountRef, amount: leg.amount, resultCode: '00', rrn: '123456789012' },
      });
    };
    const deadLetters = { publish: async () => undefined } as unknown as DeadLetterPublisher;
    return new BatchProcessor(dataSource, new OutboxWriter(EVENT_SOURCES.BANK_CONNECTOR), deadLetters, dispatch, { consumerGroup: 'kirim.bank-connector', maxAttempts: 1, topicPrefix: '' });
  }

  function outboxTraceparentOf(outboxRows: unknown[][], paymentId: string): string {
    const row = outboxRows.find((candidate) => candidate[2] === paymentId);
    if (!row) throw new Error(`no outbox row for ${paymentId}`);
    return row[8] as string;
  }

  it("makes the record's traceparent the parent of its handling span and of the outbox row written inside it, per record of the chunk", async () => {
    const { dataSource, outboxRows } = fakeDatabase();
    const seen = new Map<string, SpanContext | undefined>();
    const [first, second, untraced] = [legCommand(), legCommand(), legCommand()];
    const appliedLines: { fields: unknown; traceId: string | undefined }[] = [];
    jest.spyOn(Logger.prototype, 'log').mockImplementation((fields: unknown) => {
      appliedLines.push({ fields, traceId: trace.getSpanContext(context.active())?.traceId });
    });

    await processorFor(dataSource, seen).process([{ topic: TOPICS.BANK_REQUESTS, partition: 0, messages: [
      consumedRecord(first, 10, `00-${TRACE_A}-00f067aa0ba902b7-01`),
      consumedRecord(second, 11, `00-${TRACE_B}-b7ad6b7169203331-01`),
      consumedRecord(untraced, 12),
    ] }]);

    const handled = spans.getFinishedSpans();
    expect(handled.map((span) => [span.name, span.kind])).toEqual([
      [`process ${TOPICS.BANK_REQUESTS}`, SpanKind.CONSUMER],
      [`process ${TOPICS.BANK_REQUESTS}`, SpanKind.CONSUMER],
      [`process ${TOPICS.BANK_REQUESTS}`, SpanKind.CONSUMER],
    ]);
    const [spanA, spanB, spanNew] = handled;
    expect(spanA.parentSpanContext).toMatchObject({ traceId: TRACE_A, spanId: '00f067aa0ba902b7', isRemote: true });
    expect(spanB.parentSpanContext).toMatchObject({ traceId: TRACE_B, spanId: 'b7ad6b7169203331', isRemote: true });
    expect(spanNew.parentSpanContext).toBeUndefined();
    expect(spanA.attributes).toMatchObject({ 'messaging.system': 'kafka', 'messaging.destination.name': TOPICS.BANK_REQUESTS, 'messaging.kafka.offset': 10, 'messaging.consumer.group.name': 'kirim.bank-connector' });

    // Each handler ran in its own record's span, and what it published continues that span.
    expect(seen.get(first.paymentId)).toMatchObject({ traceId: TRACE_A, spanId: spanA.spanContext().spanId });
    expect(seen.get(second.paymentId)).toMatchObject({ traceId: TRACE_B, spanId: spanB.spanContext().spanId });
    expect(outboxTraceparentOf(outboxRows, first.paymentId)).toBe(`00-${TRACE_A}-${spanA.spanContext().spanId}-01`);
    expect(outboxTraceparentOf(outboxRows, second.paymentId)).toBe(`00-${TRACE_B}-${spanB.spanContext().spanId}-01`);
    expect(outboxTraceparentOf(outboxRows, untraced.paymentId)).toBe(`00-${spanNew.spanContext().traceId}-${spanNew.spanContext().spanId}-01`);

    // One info line per applied message after the commit, in its own trace, with ids only.
    expect(appliedLines).toEqual([
      { fields: { type: EVENT_TYPES.BANK_DEBIT_REQUESTED, paymentId: first.paymentId }, traceId: TRACE_A },
      { fields: { type: EVENT_TYPES.BANK_DEBIT_REQUESTED, paymentId: second.paymentId }, traceId: TRACE_B },
      { fields: { type: EVENT_TYPES.BANK_DEBIT_REQUESTED, paymentId: untraced.paymentId }, traceId: spanNew.spanContext().traceId },
    ]);
  });

  it('keeps the trace when a failing neighbour sends the chunk down the careful path, and logs no line for the failed record', async () => {
    const { dataSource, outboxRows } = fakeDatabase();
    const seen = new Map<string, SpanContext | undefined>();
    const [good, failing] = [legCommand(), legCommand(FAILING_AMOUNT)];
    const appliedFor: unknown[] = [];
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation((fields: unknown) => {
      appliedFor.push(fields);
    });

    await processorFor(dataSource, seen).process([{ topic: TOPICS.BANK_REQUESTS, partition: 0, messages: [
      consumedRecord(good, 20, `00-${TRACE_A}-00f067aa0ba902b7-01`),
      consumedRecord(failing, 21, `00-${TRACE_B}-b7ad6b7169203331-01`),
    ] }]);

    // The committed attempt is the careful one: the good record's row continues that attempt's span.
    const goodSpans = spans.getFinishedSpans().filter((span) => span.spanContext().traceId === TRACE_A);
    const committed = goodSpans[goodSpans.length - 1];
    expect(outboxRows).toHaveLength(1);
    expect(outboxTraceparentOf(outboxRows, good.paymentId)).toBe(`00-${TRACE_A}-${committed.spanContext().spanId}-01`);
    const failedSpans = spans.getFinishedSpans().filter((span) => span.spanContext().traceId === TRACE_B);
    expect(failedSpans.length).toBeGreaterThan(0);
    expect(failedSpans.every((span) => span.status.code === SpanStatusCode.ERROR && span.parentSpanContext?.spanId === 'b7ad6b7169203331')).toBe(true);
    expect(appliedFor).toEqual([{ type: EVENT_TYPES.BANK_DEBIT_REQUESTED, paymentId: good.paymentId }]);
  });
});
