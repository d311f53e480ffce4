import { randomBytes, randomUUID } from 'node:crypto';
import { closeSync, existsSync, openSync, readSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_TYPES } from '@kirim/contracts';
import { eventually } from '@kirim/testing';
import { Api, expectStatus, FINAL_PAYMENT_STATUSES, Party, PaymentAccepted, PaymentView } from './support/api';
import { kirimHome } from './support/config';
import { ExamplePartner, freshPartnerParty } from './support/example-partner';
import { freshParty } from './support/parties';

/**
 * One payment, one trace (docs/operations.md, "Traces"): a client sends its own W3C `traceparent`
 * with the payment; the trace id it chose is on the log lines of every service the payment crosses,
 * over HTTP (edge -> payments -> identity) and over Kafka (payments -> bank-connector -> the partner
 * bank -> bank-connector -> payments -> notifications). The local stack exports no spans: the ids
 * travel anyway, so the logs can be followed without a collector.
 */

type LogLine = Record<string, unknown>;

const SERVICES = ['identity', 'payments', 'bank-connector', 'notifications', 'example-partner'] as const;
type Service = (typeof SERVICES)[number];

function logFile(service: Service): string {
  return join(kirimHome(), 'logs', `${service}.log`);
}

function sizeOf(file: string): number {
  return existsSync(file) ? statSync(file).size : 0;
}

/** The JSON lines a service logged after `from` (a byte offset); anything else (a stack trace's lines) is skipped. */
function linesSince(service: Service, from: number): LogLine[] {
  const file = logFile(service);
  const size = sizeOf(file);
  if (size <= from) return [];
  const buffer = Buffer.alloc(size - from);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, buffer, 0, buffer.length, from);
  } finally {
    closeSync(fd);
  }
  return buffer
    .toString('utf8')
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as LogLine];
      } catch {
        return [];
      }
    });
}

/** `[type, paymentId]` of the messages a service applied in the trace (BatchProcessor's "message applied" lines). */
function appliedInTrace(lines: readonly LogLine[], traceId: string): [unknown, unknown][] {
  return lines.filter((line) => line.trace_id === traceId && line.msg === 'message applied').map((line) => [line.type, line.paymentId]);
}

describe('one trace id per payment in the logs of every service it crosses (e2e, running stack)', () => {
  const api = new Api();
  const bank = new ExamplePartner();
  let payer: Party;
  let payee: Party;

  beforeAll(async () => {
    payer = await freshParty(api, 'trace payer', 'SBXA', '1000.00');
    payee = await freshPartnerParty(api, bank, 'trace payee', '0.00');
  });

  it("keeps the client's trace id from the edge to the partner bank and back to the receipts", async () => {
    const traceId = randomBytes(16).toString('hex');
    // The client's own span: every request it sends for this payment is its child.
    const traceparent = `00-${traceId}-${randomBytes(8).toString('hex')}-01`;
    const offsets = Object.fromEntries(SERVICES.map((service) => [service, sizeOf(logFile(service))])) as Record<Service, number>;
    const amount = '42.00';

    const accepted = expectStatus<PaymentAccepted>(
      await api.request('POST', '/v1/payments', {
        token: payer.accessToken,
        headers: { 'idempotency-key': randomUUID(), traceparent },
        body: { payee: { phone: payee.phone }, amount: { value: amount, currency: 'INR' }, encryptedPin: await api.pinKeys.pay(payer.bankCode, payer.pin as string, amount) },
      }),
      202,
    ).body;
    const { paymentId } = accepted;
    let payment: PaymentView | undefined;
    await eventually(
      async () => {
        payment = expectStatus<PaymentView>(await api.request('GET', `/v1/payments/${paymentId}`, { token: payer.accessToken, headers: { traceparent } }), 200).body;
        expect(FINAL_PAYMENT_STATUSES).toContain(payment.status);
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(payment?.status).toBe('completed');

    // Every step, in the service that applied it, on a line of the client's trace.
    await eventually(
      () => {
        const logs = Object.fromEntries(SERVICES.map((service) => [service, linesSince(service, offsets[service])])) as Record<Service, LogLine[]>;
        expect(logs.identity.filter((line) => line.trace_id === traceId).length).toBeGreaterThan(0);
        expect(logs.payments.filter((line) => line.trace_id === traceId).length).toBeGreaterThan(0);
        expect(appliedInTrace(logs['bank-connector'], traceId)).toEqual(
          expect.arrayContaining([
            [EVENT_TYPES.BANK_DEBIT_REQUESTED, paymentId],
            [EVENT_TYPES.BANK_CREDIT_REQUESTED, paymentId],
            // The partner bank's answer came back in the trace its request carried.
            [EVENT_TYPES.PARTNER_CREDIT_SUCCEEDED, paymentId],
          ]),
        );
        expect(appliedInTrace(logs.payments, traceId)).toEqual(
          expect.arrayContaining([
            [EVENT_TYPES.BANK_DEBIT_SUCCEEDED, paymentId],
            [EVENT_TYPES.BANK_CREDIT_SUCCEEDED, paymentId],
          ]),
        );
        expect(appliedInTrace(logs.notifications, traceId)).toEqual(
          expect.arrayContaining([
            [EVENT_TYPES.PAYMENT_INITIATED, paymentId],
            [EVENT_TYPES.PAYMENT_COMPLETED, paymentId],
          ]),
        );
        // The partner bank (built on the partner kit, not on kirim's platform) logged its answer.
        expect(logs['example-partner'].filter((line) => line.msg === 'request answered' && line.paymentId === paymentId && line.trace_id === traceId).length).toBeGreaterThan(0);
      },
      { timeoutMs: 20_000, intervalMs: 250 },
    );

    // No line of payments about this payment belongs to another trace.
    const aboutThePayment = linesSince('payments', offsets.payments).filter((line) => JSON.stringify(line).includes(paymentId));
    expect(aboutThePayment.length).toBeGreaterThan(0);
    const otherTraces = aboutThePayment.filter((line) => line.trace_id !== undefined && line.trace_id !== traceId);
    expect(otherTraces).toEqual([]);
  });
});
