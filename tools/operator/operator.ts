/**
 * The operator's command line for the operator endpoints (docs/operations.md), against a service's
 * own port (never the public edge):
 *
 *   npm run operator -- new-key <name>       a new operator key, and the OPERATOR_KEY_DIGESTS entry to give the service
 *   npm run operator -- get <path>           e.g. get /internal/v1/operator/reconciliation/runs/latest
 *   npm run operator -- post <path> [json]   e.g. post /internal/v1/operator/reconciliation/runs
 *
 * Env: OPERATOR_URL (default http://127.0.0.1:3002, payments), OPERATOR_KEY (default: the key
 * scripts/stack.sh wrote to .local/keys/operator.key). Prints the answer as JSON; exit code 1 on a
 * 4xx or 5xx. The key is sent in the Authorization header only and never printed.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const OPERATOR_NAME = /^[a-z][a-z0-9._-]{0,62}$/;
const REPO_ROOT = join(__dirname, '..', '..');

function usage(): never {
  console.error('usage: npm run operator -- new-key <name> | get <path> | post <path> [json body]');
  process.exit(2);
}

function operatorKey(): string {
  const fromEnv = process.env.OPERATOR_KEY?.trim();
  if (fromEnv) return fromEnv;
  const file = join(process.env.KIRIM_HOME ?? join(REPO_ROOT, '.local'), 'keys', 'operator.key');
  if (!existsSync(file)) throw new Error(`no operator key: set OPERATOR_KEY, or run scripts/stack.sh up to make ${file}`);
  return readFileSync(file, 'utf8').trim();
}

/** The same shape libs/platform's newOperatorKey makes: a prefix, then 32 random bytes base64url. */
function newKey(name: string): void {
  if (!OPERATOR_NAME.test(name)) throw new Error('the operator name must be 1 to 63 characters of a-z, 0-9, ".", "_" or "-", starting with a letter');
  const key = `kop_${randomBytes(32).toString('base64url')}`;
  const digest = createHash('sha256').update(key, 'utf8').digest('hex');
  console.log(`key (give it to ${name} only; it is not stored anywhere): ${key}`);
  console.log(`OPERATOR_KEY_DIGESTS entry (for the service): ${name}:${digest}`);
}

async function send(method: 'GET' | 'POST', path: string, body: string | undefined): Promise<number> {
  if (!path.startsWith('/internal/v1/operator/')) throw new Error('operator paths start with /internal/v1/operator/');
  if (body !== undefined) JSON.parse(body);
  const url = new URL(path, process.env.OPERATOR_URL ?? 'http://127.0.0.1:3002');
  const response = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${operatorKey()}`, accept: 'application/json', ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body } : {}),
  });
  const text = await response.text();
  let shown = text;
  try {
    shown = JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    // Not JSON: shown as it came.
  }
  console.log(`${response.status} ${response.statusText}`);
  if (shown) console.log(shown);
  return response.status >= 400 ? 1 : 0;
}

async function main(): Promise<number> {
  const [command, argument, body] = process.argv.slice(2);
  switch (command) {
    case 'new-key':
      if (!argument) usage();
      newKey(argument);
      return 0;
    case 'get':
      if (!argument) usage();
      return send('GET', argument, undefined);
    case 'post':
      if (!argument) usage();
      return send('POST', argument, body);
    default:
      return usage();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exit(1);
  },
);
