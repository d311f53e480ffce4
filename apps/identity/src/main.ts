import 'reflect-metadata';
import { bootService, createServiceApp, loadConfig, runUntilSignalled } from '@kirim/platform';
import { AppModule, SERVICE_NAME } from './app.module';
import { IdentityConfig } from './identity.config';

bootService(async () => {
  // Validate the environment before Nest starts, so a bad variable stops boot with its name only.
  const config = loadConfig(IdentityConfig);
  const app = await createServiceApp(AppModule, {
    serviceName: SERVICE_NAME,
    openApi: {
      title: 'kirim identity',
      description:
        'Users, access tokens (ES256 JWT, keys at /.well-known/jwks.json), linked bank accounts and payee resolution. ' +
        'POST /v1/users and POST /v1/sessions are sandbox-only (IDENTITY_SANDBOX_LOGIN=true): there is no OTP or device binding yet.',
    },
  });
  // No Kafka transport: identity produces (through the outbox) but consumes nothing yet.
  await runUntilSignalled(app, { port: config.HTTP_PORT, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
}, SERVICE_NAME);
