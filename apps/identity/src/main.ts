// First: tracing hooks node:http and fetch before anything loads them (docs/operations.md, "Traces").
import { startTracing } from '@kirim/platform/tracing';
import 'reflect-metadata';
import { bootService, createServiceApp, DataEncryptionConfig, loadConfig, runUntilSignalled } from '@kirim/platform';
import { AppModule, SERVICE_NAME } from './app.module';
import { IdentityConfig } from './identity.config';

bootService(async () => {
  // Validate the environment before Nest starts, so a bad variable stops boot with its name only.
  const config = loadConfig(IdentityConfig);
  loadConfig(DataEncryptionConfig);
  startTracing(SERVICE_NAME);
  const app = await createServiceApp(AppModule, {
    serviceName: SERVICE_NAME,
    openApi: {
      title: 'kirim identity',
      description:
        'Users, access tokens (ES256 JWT, keys at /.well-known/jwks.json), linked bank accounts and payee resolution. ' +
        'Devices sign in by binding (POST /v1/device-bindings, an SMS from the SIM, then a proof by the device key; docs/device-binding.md). ' +
        'POST /v1/users and POST /v1/sessions are for local development only (IDENTITY_SANDBOX_LOGIN=true, refused in production).',
      tags: {
        users: "Signing in and the caller's profile.",
        'bank-accounts': "Discovering and linking the caller's bank accounts.",
        'payment-parties': 'Resolving a payer and a payee to the accounts that move the money (internal: asked by payments with its service token).',
        tokens: 'The public keys that verify access tokens.',
        'device-bindings': 'Binding a device by SMS, its tokens and refresh, and the revocation feed services poll (internal).',
        payees: 'Finding a payee by phone number or payment address: the masked bank-registered name, never an account.',
        'payment-addresses': "The caller's payment addresses (handle@kirim): list, add, make primary, remove.",
        'merchant-addresses': "Merchants' addresses held at identity, so no user can take them (internal: reserved by payments with its service token when a merchant is onboarded).",
        'service-credentials': 'Service tokens for calling another service (internal: client credentials).',
        'sms-numbers': "A user's phone number for an SMS receipt (internal: asked by notifications with its service token, never stored there).",
      },
    },
  });
  // No Kafka transport: identity produces (through the outbox) but consumes nothing yet.
  await runUntilSignalled(app, { host: config.HTTP_HOST, port: config.HTTP_PORT, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
}, SERVICE_NAME);
