import { randomBytes } from 'node:crypto';

/** W3C Trace Context `traceparent`: version-traceid-parentid-flags. */
const TRACEPARENT_PATTERN = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;

export function isValidTraceparent(value: string | undefined): value is string {
  if (!value) return false;
  const match = TRACEPARENT_PATTERN.exec(value);
  return match !== null && !/^0+$/.test(match[1]) && !/^0+$/.test(match[2]);
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
