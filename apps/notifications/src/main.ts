// First: tracing hooks node:http and fetch before anything loads them (docs/operations.md, "Traces").
import { startTracing } from '@kirim/platform/tracing';
import 'reflect-metadata';
import { connectKafkaTransport } from '@kirim/messaging';
import { bootService, createServiceApp, DataEncryptionConfig, loadConfig, OPERATOR_KEY_SCHEME, OPERATOR_KEY_SECURITY, runUntilSignalled } from '@kirim/platform';
import { AppModule, SERVICE_NAME } from './app.module';
import { ReceiptChunkPreparer } from './notifications/receipt-chunk.preparer';
import { NotificationsConfig } from './notifications.config';

async function main(): Promise<void> {
  // Validate the environment before Nest starts, so a bad variable is one clear line, not a stack.
  const config = loadConfig(NotificationsConfig);
  loadConfig(DataEncryptionConfig);
  startTracing(SERVICE_NAME);
  const app = await createServiceApp(AppModule, {
    serviceName: SERVICE_NAME,
    openApi: {
      title: 'kirim notifications',
      description: "Who is told what about every payment: the user's inbox of payment receipts, pushed into the chat thread through the messaging platform's signed webhook.",
      tags: {
        notifications: "The caller's inbox: a receipt for every payment sent or received, with where it was delivered.",
        'merchant-webhooks': "A merchant's webhook endpoints, managed by its owner: where its order payments and refunds are posted, signed per Standard Webhooks.",
        operations: "Operators only (an operator key, on notifications' own port, never the edge; docs/operations.md): dead deliveries and their replay.",
      },
      securitySchemes: { [OPERATOR_KEY_SCHEME]: OPERATOR_KEY_SECURITY },
    },
  });
  connectKafkaTransport(app, { chunkPreparer: app.get(ReceiptChunkPreparer) });
  await app.startAllMicroservices();
  await runUntilSignalled(app, { host: config.HTTP_HOST, port: config.HTTP_PORT, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
}

bootService(main, SERVICE_NAME);
