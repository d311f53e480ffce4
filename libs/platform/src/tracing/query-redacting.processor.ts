import type { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

/** Span attributes that hold a URL or a path, with its query string (old and stable HTTP semantic conventions). */
const URL_ATTRIBUTES = ['url.full', 'http.url', 'http.target'] as const;
const QUERY_ATTRIBUTE = 'url.query';
const REDACTED = 'REDACTED';

/** `/v1/payees?phone=+91...` -> `/v1/payees?REDACTED`. */
export function redactQuery(url: string): string {
  const start = url.indexOf('?');
  return start === -1 ? url : `${url.slice(0, start + 1)}${REDACTED}`;
}

/**
 * Query strings never leave the process in a span: lookups take phone numbers and mobiles there
 * (`?payeePhone=`, `?mobile=`), as the request logs already know (logging.module.ts). Runs while the
 * span ends, so attributes the instrumentation sets at any point are covered; only recorded spans
 * reach a processor, so this costs nothing when nothing is exported.
 */
export class QueryRedactingSpanProcessor implements SpanProcessor {
  constructor(private readonly next: SpanProcessor) {}

  onStart(span: Span, parentContext: Context): void {
    this.next.onStart(span, parentContext);
  }

  onEnding(span: Span): void {
    for (const key of URL_ATTRIBUTES) {
      const value = span.attributes[key];
      if (typeof value === 'string' && value.includes('?')) span.setAttribute(key, redactQuery(value));
    }
    const query = span.attributes[QUERY_ATTRIBUTE];
    if (typeof query === 'string' && query.length > 0) span.setAttribute(QUERY_ATTRIBUTE, REDACTED);
    this.next.onEnding?.(span);
  }

  onEnd(span: ReadableSpan): void {
    this.next.onEnd(span);
  }

  forceFlush(): Promise<void> {
    return this.next.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.next.shutdown();
  }
}
