import { randomBytes } from 'node:crypto';
import type { SpanContext } from '@opentelemetry/api';
import { TRACEPARENT_PATTERN, traceIdOfTraceparent } from '@kirim/contracts';

export function isValidTraceparent(value: string | undefined): value is string {
  return traceIdOfTraceparent(value) !== undefined;
}

/**
 * A traceparent for a message caused by `parent` (same trace, new span id), or the start of a new
 * trace when there is no valid parent.
 */
export function childTraceparent(parent?: string): string {
  const spanId = randomBytes(8).toString('hex');
  if (isValidTraceparent(parent)) {
    const [, traceId, , flags] = TRACEPARENT_PATTERN.exec(parent) as RegExpExecArray;
    return `00-${traceId}-${spanId}-${flags}`;
  }
  return `00-${randomBytes(16).toString('hex')}-${spanId}-01`;
}

/** The traceparent naming `span` as the parent of what follows. */
export function traceparentOfSpan(span: SpanContext): string {
  return `00-${span.traceId}-${span.spanId}-${(span.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}
