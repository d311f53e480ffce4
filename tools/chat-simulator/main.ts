/**
 * The simulated messaging platform of the local stack and the tests: the receiver of kirim's chat
 * receipt webhook (chat-simulator.ts says what it is and why it must never face real users).
 *
 * Env: CHAT_SIMULATOR_PORT (3021), CHAT_SIMULATOR_HOST (127.0.0.1; 0.0.0.0 inside a container),
 * CHAT_WEBHOOK_SECRET (Standard Webhooks "whsec_...", the one notifications signs with).
 */
// @kirim/contracts' payload classes use class-transformer decorators, which need Reflect metadata at load.
import 'reflect-metadata';
import { ChatPlatformSimulator } from './chat-simulator';
import { createChatSimulatorServer } from './chat-simulator-server';

function log(level: 'info' | 'error', msg: string, fields: Record<string, unknown> = {}): void {
  const levels = { info: 30, error: 50 } as const;
  const line = JSON.stringify({ level: levels[level], time: Date.now(), service: 'chat-simulator', msg, ...fields });
  (level === 'info' ? process.stdout : process.stderr).write(`${line}\n`);
}

function main(): void {
  const portText = process.env['CHAT_SIMULATOR_PORT'] || '3021';
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error('CHAT_SIMULATOR_PORT must be an integer between 1 and 65535');
  const host = process.env['CHAT_SIMULATOR_HOST'] || '127.0.0.1';
  const secret = process.env['CHAT_WEBHOOK_SECRET'];
  // The message names the variable and the rule, never the value.
  if (secret === undefined || !/^whsec_[A-Za-z0-9+/]{32,}={0,2}$/.test(secret)) throw new Error('CHAT_WEBHOOK_SECRET must be a Standard Webhooks secret ("whsec_" and base64)');

  const server = createChatSimulatorServer(new ChatPlatformSimulator({ webhookSecret: secret }));
  server.listen(port, host, () => log('info', `listening on ${host}:${port}`));
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
