import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { eventually } from '@kirim/testing';
import { Api, expectStatus, Party, PaymentAccepted, toMinor } from './support/api';
import { REPO_ROOT } from './support/config';
import { freshParty, notificationsFor } from './support/parties';

/**
 * The broker and the database go away under the running stack and come back. Readiness must say
 * so on the services affected, they must recover by themselves, and every payment accepted around
 * the outage must end completed exactly once: no money lost, none moved twice.
 */
const SERVICE_PORTS = { identity: 3001, payments: 3002, 'bank-connector': 3003, notifications: 3004 } as const;
type ServiceName = keyof typeof SERVICE_PORTS;
const ALL_SERVICES = Object.keys(SERVICE_PORTS) as ServiceName[];
const CONSUMING_SERVICES: ServiceName[] = ['payments', 'bank-connector', 'notifications'];
const OUTAGE_TIMEOUT_MS = 90_000;
/** Each scenario waits for several outage steps in turn; jest's default per-test limit is far too short. */
const SCENARIO_TIMEOUT_MS = 300_000;

function run(script: string, ...args: string[]): void {
  execFileSync('bash', [join(REPO_ROOT, script), ...args], { stdio: ['ignore', 'inherit', 'inherit'], timeout: 120_000 });
}

async function readiness(service: ServiceName): Promise<number> {
  try {
    const response = await fetch(`http://127.0.0.1:${SERVICE_PORTS[service]}/health/ready`, { signal: AbortSignal.timeout(5000) });
    return response.status;
  } catch {
    return 0;
  }
}

async function expectReadiness(services: ServiceName[], status: number): Promise<void> {
  const started = Date.now();
  await eventually(async () => expect(Object.fromEntries(await Promise.all(services.map(async (s) => [s, await readiness(s)])))).toEqual(Object.fromEntries(services.map((s) => [s, status]))), {
    timeoutMs: OUTAGE_TIMEOUT_MS,
    intervalMs: 500,
  });
  console.log(`readiness ${status} on ${services.join(', ')} after ${Date.now() - started} ms`);
}

describe('riding out broker and database outages (e2e, running stack)', () => {
  const api = new Api();
  let payer: Party;
  let payee: Party;
  let brokerDown = false;
  let databaseDown = false;

  beforeAll(async () => {
    payer = await freshParty(api, 'resilient payer', 'SBXA', '1000.00');
    payee = await freshParty(api, 'resilient payee', 'SBXB', '0.00');
  });

  afterAll(() => {
    // Whatever happened, leave the stack as we found it for the tests that follow.
    if (brokerDown) run('deploy/local/kafka/kafka.sh', 'start');
    if (databaseDown) run('deploy/local/postgres.sh', 'server-start');
  });

  async function payMany(count: number): Promise<PaymentAccepted[]> {
    return Promise.all(Array.from({ length: count }, () => api.payAccepted(payer, { payeePhone: payee.phone, amount: '1.00' })));
  }

  async function expectAllCompletedOnce(payments: PaymentAccepted[], payerBefore: bigint, payeeBefore: bigint): Promise<void> {
    for (const payment of payments) {
      expect((await api.waitUntilFinal(payer, payment.paymentId, { timeoutMs: OUTAGE_TIMEOUT_MS })).status).toBe('completed');
    }
    const moved = toMinor('1.00') * BigInt(payments.length);
    expect(await api.balanceOf(payer)).toBe(payerBefore - moved);
    expect(await api.balanceOf(payee)).toBe(payeeBefore + moved);
    expect((await api.ledgerSummary()).totalMinorUnitsByCurrency.INR).toBe('0');
    await eventually(async () => {
      for (const payment of payments) {
        expect((await notificationsFor(api, payee, payment.paymentId)).map((n) => n.kind)).toEqual(['payment.received']);
      }
    });
  }

  it('turns readiness red while the broker is down, recovers by itself, and completes every payment exactly once', async () => {
    const [payerBefore, payeeBefore] = [await api.balanceOf(payer), await api.balanceOf(payee)];
    const beforeOutage = await payMany(5);

    brokerDown = true;
    run('deploy/local/kafka/kafka.sh', 'stop');
    await expectReadiness(ALL_SERVICES, 503);
    // Payments are still accepted: they wait in the outbox until the broker is back.
    const duringOutage = await payMany(5);

    run('deploy/local/kafka/kafka.sh', 'start');
    brokerDown = false;
    await expectReadiness(ALL_SERVICES, 200);
    await expectAllCompletedOnce([...beforeOutage, ...duringOutage], payerBefore, payeeBefore);
  }, SCENARIO_TIMEOUT_MS);

  it('turns readiness red while the database is down, recovers by itself, and completes every payment exactly once', async () => {
    const [payerBefore, payeeBefore] = [await api.balanceOf(payer), await api.balanceOf(payee)];
    const beforeOutage = await payMany(5);

    databaseDown = true;
    run('deploy/local/postgres.sh', 'server-stop');
    await expectReadiness(ALL_SERVICES, 503);

    run('deploy/local/postgres.sh', 'server-start');
    databaseDown = false;
    await expectReadiness([...CONSUMING_SERVICES, 'identity'], 200);
    // Payments may still be applying what waited through the outage, and say so (503
    // payments-overloaded, Retry-After): a client that honours Retry-After gets through.
    const afterOutage = await Promise.all(
      Array.from({ length: 5 }, async () => expectStatus<PaymentAccepted>(await api.payHonouringRetryAfter(payer, { payeePhone: payee.phone, amount: '1.00' }), 202).body),
    );
    await expectAllCompletedOnce([...beforeOutage, ...afterOutage], payerBefore, payeeBefore);
  }, SCENARIO_TIMEOUT_MS);
});
