import 'reflect-metadata';
import { connectKafkaTransport } from '@kirim/messaging';
import { bootService, createServiceApp, loadConfig, runUntilSignalled } from '@kirim/platform';
import { AppModule, SERVICE_NAME } from './app.module';
import { NotificationsConfig } from './notifications.config';

async function main(): Promise<void> {
  // Validate the environment before Nest starts, so a bad variable is one clear line, not a stack.
  const config = loadConfig(NotificationsConfig);
  const app = await createServiceApp(AppModule, {
    serviceName: SERVICE_NAME,
    openApi: {
      title: 'kirim notifications',
      description: "Who is told what about every payment: the user's inbox of payment receipts.",
      tags: { notifications: "The caller's inbox: a receipt for every payment sent or received." },
    },
  });
  connectKafkaTransport(app);
  await app.startAllMicroservices();
  await runUntilSignalled(app, { host: config.HTTP_HOST, port: config.HTTP_PORT, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
}

bootService(main, SERVICE_NAME);
