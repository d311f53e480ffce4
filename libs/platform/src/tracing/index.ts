/**
 * `@kirim/platform/tracing`: a separate entry point, because it must be a service's first import
 * (before `@kirim/platform`, whose modules load node:http). See docs/operations.md, "Traces".
 */
import './register-instrumentations';

export { startTracing, planTracing, createTracerProvider } from './start-tracing';
export { shutdownTracing } from './tracing-shutdown';
export type { TracingPlan, SpanExporterFactory } from './start-tracing';
export { TracingConfig, otlpTracesUrl } from './tracing.config';
