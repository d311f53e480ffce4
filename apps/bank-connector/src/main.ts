import 'reflect-metadata';
import { connectKafkaTransport } from '@kirim/messaging';
import { bootService, createServiceApp, loadConfig, runUntilSignalled } from '@kirim/platform';
import { AppModule, SERVICE_NAME } from './app.module';
import { BankConnectorConfig } from './bank-connector.config';
import { LockLegAccountsInOrder } from './bank-legs/lock-leg-accounts.preparer';

async function main(): Promise<void> {
  // Validate the environment before Nest starts, so a bad variable is one clear line, not a stack.
  const config = loadConfig(BankConnectorConfig);
  const app = await createServiceApp(AppModule, {
    serviceName: SERVICE_NAME,
    openApi: {
      title: 'kirim bank-connector',
      description:
        'Every bank, reached its own way: the built-in sandbox banks SBXA and SBXB (a double-entry ledger) and partner banks over their own Kafka topics (signed, account data encrypted for the bank). ' +
        'Account discovery by mobile; sandbox administration under /v1/sandbox (only when SANDBOX_ADMIN_TOKEN is set).',
    },
  });
  connectKafkaTransport(app, { chunkPreparer: app.get(LockLegAccountsInOrder) });
  await app.startAllMicroservices();
  await runUntilSignalled(app, { port: config.HTTP_PORT, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
}

bootService(main, SERVICE_NAME);
