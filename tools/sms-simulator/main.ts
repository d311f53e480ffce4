/**
 * The simulated SMS provider of the local stack and the tests (sms-simulator.ts says what it is
 * and why it must never face real users).
 *
 * Env: SMS_SIMULATOR_PORT (3020), SMS_SIMULATOR_HOST (127.0.0.1; 0.0.0.0 inside a container),
 * SMS_WEBHOOK_URL (identity's inbound webhook, through the edge as a real provider would call it),
 * SMS_WEBHOOK_SECRET (Standard Webhooks "whsec_..."), SMS_VIRTUAL_NUMBER (the platform's number, E.164),
 * SMS_RETRY_DELAYS_MS (comma-separated; default 500,1000,2000,4000,8000), SMS_PROVIDER_API_KEY (the
 * key senders of outbound messages present, at least 32 characters; notifications has the same).
 */
// @kirim/contracts' payload classes use class-transformer decorators, which need Reflect metadata at load.
import 'reflect-metadata';
import { E164_PATTERN } from '@kirim/contracts';
import { OutboundMessages } from './outbound-messages';
import { SmsSimulator } from './sms-simulator';
import { createSmsSimulatorServer } from './sms-simulator-server';

function log(level: 'info' | 'warn' | 'error', msg: string, fields: Record<string, unknown> = {}): void {
  const levels = { info: 30, warn: 40, error: 50 } as const;
  const line = JSON.stringify({ level: levels[level], time: Date.now(), service: 'sms-simulator', msg, ...fields });
  (level === 'info' ? process.stdout : process.stderr).write(`${line}\n`);
}

function required(variable: string, rule: RegExp, description: string): string {
  const value = process.env[variable];
  // The message names the variable and the rule, never the value (it may be the secret).
  if (value === undefined || !rule.test(value)) throw new Error(`${variable} must be ${description}`);
  return value;
}

function main(): void {
  const portText = process.env['SMS_SIMULATOR_PORT'] || '3020';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error('SMS_SIMULATOR_PORT must be an integer between 1 and 65535');
  const host = process.env['SMS_SIMULATOR_HOST'] || '127.0.0.1';
  const webhookUrl = required('SMS_WEBHOOK_URL', /^https?:\/\/\S+$/, 'an http:// or https:// URL');
  const webhookSecret = required('SMS_WEBHOOK_SECRET', /^whsec_[A-Za-z0-9+/]{32,}={0,2}$/, 'a Standard Webhooks secret ("whsec_" and base64)');
  const virtualNumber = required('SMS_VIRTUAL_NUMBER', E164_PATTERN, 'an E.164 phone number');
  const retryDelaysMs = (process.env['SMS_RETRY_DELAYS_MS'] || '500,1000,2000,4000,8000').split(',').map((part) => Number(part.trim()));
  if (retryDelaysMs.some((delay) => !Number.isInteger(delay) || delay < 0 || delay > 600_000)) throw new Error('SMS_RETRY_DELAYS_MS must be comma-separated integers of milliseconds');

  const apiKey = required('SMS_PROVIDER_API_KEY', /^[\x21-\x7e]{32,512}$/, 'at least 32 printable characters, without spaces');

  const simulator = new SmsSimulator({ webhookUrl, webhookSecret, virtualNumber, retryDelaysMs, log: (msg, fields) => log('warn', msg, fields) });
  const server = createSmsSimulatorServer(simulator, new OutboundMessages({ apiKey }));
  server.listen(port, host, () => log('info', `listening on ${host}:${port}`, { webhookUrl }));
  const stop = (): void => {
    server.close(() => process.exit(0));
    server.closeIdleConnections();
    setTimeout(() => process.exit(1), 5000).unref();
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

try {
  main();
} catch (error: unknown) {
  log('error', 'boot failed', { error: error instanceof Error ? error.message : String(error) });
  process.exit(1);
}
