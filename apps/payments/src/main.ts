// First: tracing hooks node:http and fetch before anything loads them (docs/operations.md, "Traces").
import { startTracing } from '@kirim/platform/tracing';
import 'reflect-metadata';
import { connectKafkaTransport } from '@kirim/messaging';
import { bootService, createServiceApp, loadConfig, OPERATOR_KEY_SCHEME, OPERATOR_KEY_SECURITY, runUntilSignalled } from '@kirim/platform';
import { admissionBeforeBody } from './admission/refuse-while-full.middleware';
import { AppModule, SERVICE_NAME } from './app.module';
import { MERCHANT_KEY_SCHEME, MERCHANT_KEY_SECURITY } from './merchant/merchant-api-key.guard';
import { LockChunkPayments } from './payment/lock-chunk-payments.preparer';
import { PaymentsConfig, schemeProfile } from './payments.config';

bootService(async () => {
  // Validate the environment before Nest starts, so a bad variable stops boot with its name only.
  const config = loadConfig(PaymentsConfig);
  // The scheme profile is config too: a profile that breaks a rule stops boot naming the field.
  schemeProfile(config);
  startTracing(SERVICE_NAME);
  const app = await createServiceApp(AppModule, {
    serviceName: SERVICE_NAME,
    openApi: {
      title: 'kirim payments',
      description:
        'P2P payments on the UPI model: POST /v1/payments (Idempotency-Key required) starts the debit/credit saga across ' +
        'banks; GET /v1/payments/{id} shows where it is. Amounts are decimal strings, never numbers.',
      tags: {
        payments: 'Paying a contact and following the payment until it is final.',
        merchants: 'Business accounts in the chat: onboarding, API keys, orders customers pay with the UPI PIN, refunds and history (docs/merchants.md).',
        operations:
          "Operators only (an operator key, on payments' own port, never the edge; docs/operations.md): payments needing an operator, dead letters, the outbox quarantine, failed reversals, reconciliation with the banks.",
      },
      securitySchemes: { [MERCHANT_KEY_SCHEME]: MERCHANT_KEY_SECURITY, [OPERATOR_KEY_SCHEME]: OPERATOR_KEY_SECURITY },
    },
    // A replica full of requests to start a payment refuses the next before its body is read.
    beforeBody: admissionBeforeBody,
  });
  // Consumes bank.responses.v1 as group kirim.payments; the transport refuses to start unless
  // every event type on that topic has exactly one @EventPattern handler. Each chunk's payments are
  // locked with one statement before its answers are applied.
  connectKafkaTransport(app, { chunkPreparer: app.get(LockChunkPayments) });
  await app.startAllMicroservices();
  await runUntilSignalled(app, { host: config.HTTP_HOST, port: config.HTTP_PORT, shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS });
}, SERVICE_NAME);
