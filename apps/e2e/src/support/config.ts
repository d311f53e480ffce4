import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parsePartnerRegistry } from '@kirim/contracts';

/** The repository root, found from this file (apps/e2e/src/support) so scripts work from any cwd. */
export const REPO_ROOT = resolve(__dirname, '../../../..');

/** Where the local stack keeps its state (logs, keys); the same default as scripts/lib.sh. */
export function kirimHome(): string {
  return process.env.KIRIM_HOME ?? join(REPO_ROOT, '.local');
}

/** The one base URL of the local stack (the edge). */
export function edgeUrl(): string {
  return (process.env.EDGE_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
}

export function kafkaBrokers(): string[] {
  return (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092').split(',').map((broker) => broker.trim()).filter(Boolean);
}

/** The partner banks of the running stack: their codes, from the registry the stack was provisioned from. */
export function partnerBankCodes(): string[] {
  const file = process.env.PARTNER_REGISTRY_FILE || join(REPO_ROOT, 'deploy', 'local', 'partner-banks.json');
  const parsed = parsePartnerRegistry(readFileSync(file, 'utf8'));
  if (!parsed.ok) throw new Error(`the partner registry ${file} is invalid: ${parsed.errors.join('; ')}`);
  return parsed.registry.partners.map((partner) => partner.bankCode);
}

/** The simulated SMS provider (tools/sms-simulator): where a test device "sends an SMS". */
export function smsSimulatorUrl(): string {
  return (process.env.SMS_SIMULATOR_URL ?? 'http://127.0.0.1:3020').replace(/\/+$/, '');
}

/** The simulated messaging platform (tools/chat-simulator): where notifications pushes chat receipts. */
export function chatSimulatorUrl(): string {
  return (process.env.CHAT_SIMULATOR_URL ?? 'http://127.0.0.1:3021').replace(/\/+$/, '');
}

/** The Standard Webhooks secret identity shares with the SMS provider: SMS_WEBHOOK_SECRET, else scripts/stack.sh's. */
export function smsWebhookSecret(): string {
  const fromEnv = process.env.SMS_WEBHOOK_SECRET?.trim();
  if (fromEnv) return fromEnv;
  const file = join(kirimHome(), 'keys', 'sms-webhook-secret');
  if (!existsSync(file)) throw new Error(`no SMS webhook secret: set SMS_WEBHOOK_SECRET or run scripts/stack.sh up (it writes ${file})`);
  return readFileSync(file, 'utf8').trim();
}

/** The SMS provider's API key notifications sends with (and tests read the simulator's outbox with): SMS_PROVIDER_API_KEY, else scripts/stack.sh's. */
export function smsProviderApiKey(): string {
  const fromEnv = process.env.SMS_PROVIDER_API_KEY?.trim();
  if (fromEnv) return fromEnv;
  const file = join(kirimHome(), 'keys', 'sms-provider-api-key');
  if (!existsSync(file)) throw new Error(`no SMS provider API key: set SMS_PROVIDER_API_KEY or run scripts/stack.sh up (it writes ${file})`);
  return readFileSync(file, 'utf8').trim();
}

/**
 * Where the sandbox administration API is: bank-connector's own port, as an operator reaches it. It is
 * not on the public edge (docs/data-at-rest.md). BANK_CONNECTOR_URL, else the local stack's :3003.
 */
export function sandboxAdminUrl(): string {
  return (process.env.BANK_CONNECTOR_URL ?? 'http://127.0.0.1:3003').replace(/\/+$/, '');
}

/**
 * A service's data keys (DATA_ENCRYPTION_KEYS, DATA_ENCRYPTION_ACTIVE_KEY_ID, DATA_LOOKUP_KEY) as
 * scripts/stack.sh made them in .local/keys/data/<service>.env: for an auditor reading the service's
 * encrypted columns (docs/data-at-rest.md). Never printed.
 */
export function dataEncryptionEnv(service: string): Record<string, string> {
  const file = join(kirimHome(), 'keys', 'data', `${service}.env`);
  if (!existsSync(file)) throw new Error(`no data keys for ${service}: run scripts/stack.sh up (it writes ${file})`);
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => /^DATA_[A-Z_]+=/.test(line))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1).trim()]),
  );
}

/** The sandbox admin token: SANDBOX_ADMIN_TOKEN, else the one scripts/stack.sh made under .local/keys. */
export function sandboxAdminToken(): string {
  const fromEnv = process.env.SANDBOX_ADMIN_TOKEN?.trim();
  if (fromEnv) return fromEnv;
  const file = join(kirimHome(), 'keys', 'sandbox-admin-token');
  if (!existsSync(file)) {
    throw new Error(`no sandbox admin token: set SANDBOX_ADMIN_TOKEN or run scripts/stack.sh up (it writes ${file})`);
  }
  return readFileSync(file, 'utf8').trim();
}
