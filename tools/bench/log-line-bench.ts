/**
 * What writing one log line costs with the services' logger options: the two lines every payment
 * writes many times ("message applied" from each consumer, "request completed" from each HTTP
 * request), with kirim's censoring, with pino's own `redact` over the same field names at four
 * depths (how lines were censored before; docs/benchmarks.md, "Throughput work, 2026-12-03 (tenth
 * pass)"), and with neither. Lines go to /dev/null synchronously, so the figure is the logger's CPU.
 *
 *   npm run bench:log-line -- [lines, default 100000]
 */
import { Writable } from 'node:stream';
import pino, { LoggerOptions } from 'pino';
import { logCensoring, REDACTION_CENSOR, SENSITIVE_LOG_FIELDS, serializeErrorWithoutData, serializeRequestWithoutQuery } from '@kirim/platform';

const APPLIED = { type: 'kirim.bank.leg.answered.v1', paymentId: '0193a7b2-1c2d-7e3f-8a9b-0c1d2e3f4a5b', trace_id: '4bf92f3577b34da6a3ce929d0e0e4736', span_id: '00f067aa0ba902b7', trace_flags: '01' };
const COMPLETED = {
  req: { id: 'b0c1', method: 'POST', url: '/v1/payments', headers: { 'content-type': 'application/json', 'content-length': '180', 'idempotency-key': 'k-1', 'x-request-id': 'b0c1', traceparent: '00-4bf9-00f0-01' }, remoteAddress: '127.0.0.1' },
  res: { statusCode: 202, headers: { 'content-type': 'application/json; charset=utf-8', 'x-request-id': 'b0c1', location: '/v1/payments/0193a7b2' } },
  responseTime: 3,
};

const SERIALIZERS = { req: serializeRequestWithoutQuery, res: (res: unknown) => res, err: serializeErrorWithoutData };
/**
 * The path list pino was given before: the three credential headers by their place, and every other
 * field at the top level and one to three levels down.
 */
const HEADER_FIELDS: readonly string[] = ['authorization', 'proxy-authorization', 'cookie', 'set-cookie'];
const PINO_REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  ...SENSITIVE_LOG_FIELDS.filter((field) => !HEADER_FIELDS.includes(field)).flatMap((field) => [field, `*.${field}`, `*.*.${field}`, `*.*.*.${field}`]),
];

const OPTIONS: Record<string, LoggerOptions> = {
  'kirim censoring': { ...logCensoring(SERIALIZERS) },
  'pino redact': { serializers: SERIALIZERS, redact: { paths: PINO_REDACT_PATHS, censor: REDACTION_CENSOR } },
  'none': { serializers: SERIALIZERS },
};

function measure(options: LoggerOptions, fields: object, message: string, lines: number): number {
  const sink = new Writable({ write: (_chunk, _encoding, done) => done() });
  const logger = pino({ base: { service: 'payments', context: 'BatchProcessor' }, ...options }, sink);
  for (let i = 0; i < Math.min(20_000, lines); i += 1) logger.info(fields, message);
  const before = process.cpuUsage();
  for (let i = 0; i < lines; i += 1) logger.info(fields, message);
  const cpu = process.cpuUsage(before);
  return (cpu.user + cpu.system) / lines;
}

function main(): void {
  const lines = Number(process.argv[2] ?? 100_000);
  if (!Number.isInteger(lines) || lines < 1) throw new Error('lines must be a positive integer');
  for (const [name, options] of Object.entries(OPTIONS)) {
    const applied = measure(options, APPLIED, 'message applied', lines);
    const completed = measure(options, COMPLETED, 'request completed', lines);
    console.log(`${name.padEnd(16)} "message applied" ${applied.toFixed(1).padStart(6)} µs, "request completed" ${completed.toFixed(1).padStart(6)} µs CPU per line`);
  }
}

main();
