/**
 * The kit logs through this port, so a bank plugs in its own logger. The kit itself only ever logs
 * ids (ce_id, requestId, paymentId, lookupId), positions, result codes and refusal reasons: never an
 * account reference, an account number, a mobile number, a key or a password.
 */
export type LogValue = string | number | boolean | null | undefined;
export type LogFields = Readonly<Record<string, LogValue>>;

export interface PartnerLogger {
  debug(message: string, fields?: LogFields): void;
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const SEVERITY: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/**
 * Field names whose values are never written, whatever a caller passes: a second line of defence
 * behind the rule that personal data and secrets are not logged at all.
 */
const REDACTED_FIELD = /(password|secret|token|mobile|phone|account.?number|accountref|pem|private.?key|authorization|pin$)/i;

export function redactFields(fields: LogFields | undefined): Record<string, LogValue> {
  const out: Record<string, LogValue> = {};
  for (const [name, value] of Object.entries(fields ?? {})) out[name] = REDACTED_FIELD.test(name) ? '[redacted]' : value;
  return out;
}

/** One JSON object per line (time, level, name, msg, fields), to stdout unless told otherwise. */
export function jsonLinesLogger(options: { name: string; level?: LogLevel; write?: (line: string) => void; now?: () => Date }): PartnerLogger {
  const threshold = SEVERITY[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stdout.write(line));
  const now = options.now ?? (() => new Date());
  const log =
    (level: Exclude<LogLevel, 'silent'>) =>
    (message: string, fields?: LogFields): void => {
      if (SEVERITY[level] < threshold) return;
      write(`${JSON.stringify({ time: now().toISOString(), level, name: options.name, msg: message, ...redactFields(fields) })}\n`);
    };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

export const silentLogger: PartnerLogger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
