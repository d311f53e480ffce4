// First: tracing hooks node:http and fetch before anything loads them (docs/operations.md, "Traces").
import { startTracing } from '@kirim/platform/tracing';
import 'reflect-metadata';
import { connectKafkaTransport } from '@kirim/messaging';
import { bootService, createServiceApp, DataEncryptionConfig, loadConfig, runUntilSignalled } from '@kirim/platform';
import { AppModule, SERVICE_NAME } from './app.module';
import { BankConnectorConfig } from './bank-connector.config';
import { LockLegAccountsInOrder } from './bank-legs/lock-leg-accounts.preparer';
import { SANDBOX_ADMIN_SECURITY, SANDBOX_ADMIN_SECURITY_SCHEME } from './sandbox-bank/sandbox-admin.controller';

async function main(): Promise<void> {
  // Validate the environment before Nest starts, so a bad variable is one clear line, not a stack.
  const config = loadConfig(BankConnectorConfig);
  loadConfig(DataEncryptionConfig);
  startTracing(SERVICE_NAME);
  const app = await createServiceApp(AppModule, {
    serviceName: SERVICE_NAME,
    openApi: {
      title: 'kirim bank-connector',
      description:
        'Every bank, reached its own way: the built-in sandbox banks SBXA and SBXB (a double-entry ledger) and partner banks over their own Kafka topics (signed, account data encrypted for the bank). ' +
        'Account discovery by mobile; sandbox administration under /v1/sandbox (only when SANDBOX_ADMIN_TOKEN is set, and on this service\'s port only: the public edge does not route it).',
      tags: {
        'bank accounts': 'Accounts the banks hold for a mobile number (internal: asked by identity with its service token).',
        banks: "The banks kirim reaches, each with the public key a device encrypts the UPI PIN for (docs/upi-pin.md).",
        'sandbox UPI PIN': "Setting a sandbox account's UPI PIN (internal: asked by identity once it checked the account is the caller's).",
        'partner banks': "What partner banks need from kirim: the keys that verify kirim's signed records.",
        'sandbox administration': 'Seeding sandbox bank accounts and checking the sandbox ledger (local development and tests).',
        reconciliation: "What the banks did with payments' legs (internal: asked by payments' reconciliation job with its service token; docs/operations.md).",
      },
      securitySchemes: { [SANDBOX_ADMIN_SECURITY_SCHEME]: SANDBOX_ADMIN_SECURITY },
    },
  });
  connectKafkaTransport(app, { chunkPreparer: app.get(LockLegAccountsInOrder) });
  await app.startAllMicroservices();
  await runUntilSignalled(app, { host: config.HTTP_HOST, port: config.HTTP_PORT, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
}

bootService(main, SERVICE_NAME);
