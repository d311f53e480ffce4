import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { kirimHome } from './config';

/**
 * What a test run handed to kirim and got back, written down for the audit that runs after it
 * (sensitive-data-scan.audit-test.ts): every sensitive value the e2e support creates or receives
 * (phones, UPI PINs and PIN blocks, binding tokens, refresh and access tokens) and every HTTP answer
 * it gets, with the request that caused it. The audit then looks for those values where they do not
 * belong: the services' logs, the Kafka records, other users' answers.
 *
 * Append-only JSON lines under .local/test-results/ (scripts/test-all.sh empties that folder at the
 * start of a full run), written synchronously so that a test that fails half-way still leaves what
 * it did on record. Only test data is written: these are throw-away values of the local stack.
 */

export type SensitiveKind = 'phone' | 'pin' | 'pin-block' | 'binding-token' | 'refresh-token' | 'access-token';

export interface SensitiveValue {
  readonly kind: SensitiveKind;
  readonly value: string;
  /** The user the value belongs to, when known (a phone's owner). */
  readonly userId?: string;
}

export interface RecordedExchange {
  readonly method: string;
  /** The path with its query string, as sent. */
  readonly path: string;
  /** `edge` (the public base URL), `service` (a service's own port), `sandbox-admin` (the operator's API). */
  readonly via: 'edge' | 'service' | 'sandbox-admin' | 'sms-simulator';
  readonly status: number;
  /** The `sub` of the bearer token sent (unverified: only to know whose answer this is), else null. */
  readonly viewer: string | null;
  readonly requestBody: string | null;
  readonly responseBody: string;
}

export const SENSITIVE_VALUES_FILE = 'e2e-sensitive-values.jsonl';
export const HTTP_EXCHANGES_FILE = 'e2e-http-exchanges.jsonl';

function resultsDir(): string {
  return join(kirimHome(), 'test-results');
}

function append(file: string, entry: object): void {
  const dir = resultsDir();
  if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
  appendFileSync(join(dir, file), `${JSON.stringify(entry)}\n`);
}

export function recordSensitive(kind: SensitiveKind, value: string, userId?: string): void {
  append(SENSITIVE_VALUES_FILE, { kind, value, ...(userId !== undefined ? { userId } : {}) } satisfies SensitiveValue);
}

/** The `sub` of a JWT, read without verifying it (the audit only needs to know whose request it was). */
export function tokenSubject(token: string | undefined): string | null {
  if (token === undefined) return null;
  try {
    const payload = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { sub?: unknown };
    return typeof payload.sub === 'string' ? payload.sub : null;
  } catch {
    return null;
  }
}

export function recordExchange(exchange: RecordedExchange): void {
  append(HTTP_EXCHANGES_FILE, exchange);
}

function readLines<T>(file: string): T[] {
  const path = join(resultsDir(), file);
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .map((line) => JSON.parse(line) as T);
}

export function readSensitiveValues(): SensitiveValue[] {
  return readLines<SensitiveValue>(SENSITIVE_VALUES_FILE);
}

export function readExchanges(): RecordedExchange[] {
  return readLines<RecordedExchange>(HTTP_EXCHANGES_FILE);
}
