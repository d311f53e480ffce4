import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DynamicModule } from '@nestjs/common';
import { context, isSpanContextValid, trace } from '@opentelemetry/api';
import { IsIn } from 'class-validator';
import { LoggerModule } from 'nestjs-pino';
import type { Options } from 'pino-http';
import { LOG_LEVELS, LogLevel } from '../config/base-service.config';
import { loadConfig } from '../config/load-config';
import { logCensoring } from './redaction';

class LoggingConfig {
  @IsIn(LOG_LEVELS, { message: `$property must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: LogLevel = 'info';
}

const UNLOGGED_PATHS = ['/health/live', '/health/ready'];

interface SerializedRequest {
  id?: unknown;
  method?: string;
  url?: string;
  headers?: Record<string, unknown>;
  remoteAddress?: string;
}

/**
 * Headers worth a log line. An allowlist, not a denylist: credentials come in many headers
 * (authorization, cookies, x-sandbox-admin-token, whatever a partner adds next).
 */
export const LOGGED_REQUEST_HEADERS = ['user-agent', 'content-type', 'content-length', 'x-request-id', 'idempotency-key', 'traceparent', 'x-forwarded-for'] as const;

export function serializeRequestWithoutQuery(req: SerializedRequest): SerializedRequest {
  const headers: Record<string, unknown> = {};
  for (const name of LOGGED_REQUEST_HEADERS) {
    if (req.headers?.[name] !== undefined) headers[name] = req.headers[name];
  }
  return { id: req.id, method: req.method, url: req.url?.split('?')[0], headers, remoteAddress: req.remoteAddress };
}

/**
 * Errors are logged by type, message, SQLSTATE and stack only. TypeORM's QueryFailedError carries
 * the query's parameters and PostgreSQL's detail ("Key (phone)=(+91...)"), which hold personal data.
 *
 * pino-http wraps this serializer (pino-std-serializers' wrapErrorSerializer), so on the services'
 * loggers it receives the standard serializer's plain copy of the error, `{ type, message, stack,
 * ...every own field }`, not the Error: the same four fields are picked from either. Until this
 * was understood, every 5xx was logged as `{"message":"[object Object]"}`.
 */
export function serializeErrorWithoutData(error: unknown): Record<string, unknown> {
  if (typeof error !== 'object' || error === null) return { type: typeof error, message: String(error) };
  const fields = error as { name?: unknown; type?: unknown; message?: unknown; code?: unknown; stack?: unknown };
  const type = error instanceof Error ? error.name : fields.type;
  if (typeof type !== 'string' || typeof fields.message !== 'string') {
    // A thrown value that is not an Error: its kind and field names say what threw it; its values may hold data.
    return { type: error.constructor?.name ?? 'Object', message: 'a thrown value that is not an Error', fields: Object.keys(error).slice(0, 20) };
  }
  return {
    type,
    message: fields.message,
    ...(typeof fields.code === 'string' ? { code: fields.code } : {}),
    ...(typeof fields.stack === 'string' && fields.stack !== '' ? { stack: fields.stack } : {}),
  };
}

/**
 * The active span's ids, for every log line written while a span is active (an HTTP request, the
 * handling of a Kafka record): the lines of one payment, in every service, share its trace_id.
 */
export function traceLogFields(): Record<string, string> {
  const span = trace.getSpanContext(context.active());
  // A new object each time: pino merges the line's own fields into what the mixin returns.
  if (span === undefined || !isSpanContextValid(span)) return {};
  return { trace_id: span.traceId, span_id: span.spanId, trace_flags: (span.traceFlags & 0xff).toString(16).padStart(2, '0') };
}

/** pino-http options: JSON lines, service name and trace ids on every line, secrets and personal data redacted. */
export function pinoHttpOptions(serviceName: string, level: LogLevel): Options {
  return {
    level,
    base: { service: serviceName },
    mixin: traceLogFields,
    // Probes hit every few seconds; logging them drowns the real traffic.
    autoLogging: { ignore: (req: IncomingMessage) => UNLOGGED_PATHS.includes(req.url ?? '') },
    genReqId: (req: IncomingMessage, res: ServerResponse) => {
      const incoming = req.headers['x-request-id'];
      const id = typeof incoming === 'string' && incoming.length <= 128 ? incoming : randomUUID();
      res.setHeader('x-request-id', id);
      return id;
    },
    // No body (bodies carry PINs and phones), and no query string: lookups such as
    // `?payeePhone=+91...` or `?mobile=` would put phone numbers in every request log line.
    // The response's headers are kept, censored (a set-cookie would hold a session).
    ...logCensoring({ req: serializeRequestWithoutQuery, res: (res: unknown) => res, err: serializeErrorWithoutData }),
    // The request line of a 5xx names the error without its stack: for a thrown error the problem
    // filter has logged the stack already, and otherwise pino-http's own "failed with status code"
    // error has one only into pino-http. Formatting it (source-mapped) was most of what a shed 503 cost.
    customErrorObject: (_req: IncomingMessage, _res: ServerResponse, error: Error, fields: Record<string, unknown>) => ({
      ...fields,
      // No prototype, so pino's standard error serializer takes the type from `name` and finds no stack.
      err: Object.assign(Object.create(null) as object, { name: error.name, message: error.message }),
    }),
  };
}

/** nestjs-pino root module; LOG_LEVEL is read and validated when the module is instantiated. */
export function createLoggingModule(serviceName: string): DynamicModule {
  return LoggerModule.forRootAsync({
    useFactory: () => ({ pinoHttp: pinoHttpOptions(serviceName, loadConfig(LoggingConfig).LOG_LEVEL) }),
  });
}
