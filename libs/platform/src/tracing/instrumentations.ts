import type { IncomingMessage } from 'node:http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';

/** Probes and scrapes: a span for each would bury the real traffic. */
const UNTRACED_PATHS = new Set(['/health/live', '/health/ready', '/metrics']);

export function isUntracedRequest(request: Pick<IncomingMessage, 'url'>): boolean {
  return UNTRACED_PATHS.has((request.url ?? '').split('?')[0]);
}

let instrumented = false;

/**
 * Server spans for incoming HTTP (continuing the caller's `traceparent`) and client spans for
 * outgoing node:http and fetch (undici), which carry the trace to the service called. The spans
 * go to whatever tracer provider is registered globally, so this can run before startTracing
 * knows the service's name: it must, because the http instrumentation patches node:http when it
 * is first loaded. Outgoing calls made outside any request or record (key-set refreshes, the
 * revocation feed) start no trace of their own.
 */
export function instrumentHttpAndFetch(): void {
  if (instrumented) return;
  instrumented = true;
  registerInstrumentations({
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: isUntracedRequest, requireParentforOutgoingSpans: true }),
      new UndiciInstrumentation({ requireParentforSpans: true }),
    ],
  });
}
