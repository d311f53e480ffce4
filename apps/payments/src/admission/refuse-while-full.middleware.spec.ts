import { RequestMethod, Type } from '@nestjs/common';
import { GUARDS_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { serviceMetrics } from '@kirim/platform';
import { CollectRequestsController } from '../collect/collect-requests.controller';
import { MerchantOrdersController } from '../merchant/merchant-orders.controller';
import { MerchantsController } from '../merchant/merchants.controller';
import { DeadLettersController } from '../operations/dead-letters.controller';
import { OutboxQuarantineController } from '../operations/outbox-quarantine.controller';
import { PaymentsNeedingOperatorController } from '../operations/payments-needing-operator.controller';
import { PaymentsController } from '../payment/payments.controller';
import { ReconciliationOperatorController } from '../reconciliation/reconciliation-operator.controller';
import { FixedClock } from '../testing/payment-fakes';
import { refuseWhileFull, startsAPayment } from './refuse-while-full.middleware';
import { SagaAdmission } from './saga-admission';
import { SagaAdmissionGuard } from './saga-admission.guard';

/** Every controller payments serves. */
const CONTROLLERS: readonly Type<unknown>[] = [
  PaymentsController,
  CollectRequestsController,
  MerchantOrdersController,
  MerchantsController,
  DeadLettersController,
  OutboxQuarantineController,
  PaymentsNeedingOperatorController,
  ReconciliationOperatorController,
];

interface Route {
  readonly method: string;
  /** As a request names it: `/v1/...`, each `:param` a value. */
  readonly path: string;
  readonly admitted: boolean;
}

/** Each route of a controller as Nest's decorators declare it, and whether SagaAdmissionGuard guards it. */
function routesOf(controller: Type<unknown>): Route[] {
  const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
  const classGuards: unknown[] = Reflect.getMetadata(GUARDS_METADATA, controller) ?? [];
  const prototype = controller.prototype as Record<string, unknown>;
  return Object.getOwnPropertyNames(prototype).flatMap((name) => {
    const handler = prototype[name];
    if (typeof handler !== 'function' || !Reflect.hasMetadata(PATH_METADATA, handler)) return [];
    const own = String(Reflect.getMetadata(PATH_METADATA, handler));
    const guards: unknown[] = [...classGuards, ...(Reflect.getMetadata(GUARDS_METADATA, handler) ?? [])];
    const path = `/v1/${[base, own].filter((part) => part !== '' && part !== '/').join('/')}`.replace(/:[A-Za-z]+/g, 'some-id');
    return [{ method: RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod], path, admitted: guards.includes(SagaAdmissionGuard) }];
  });
}

async function refusalsCounted(): Promise<number> {
  const metric = await serviceMetrics.getSingleMetric('kirim_payment_admission_refusals_total')?.get();
  return metric?.values.find((value) => value.labels.reason === 'in-flight')?.value ?? 0;
}

/** A response that keeps what the middleware wrote. */
class WrittenResponse {
  headersSent = false;
  statusCode = 200;
  readonly headers: Record<string, string> = {};
  body: string | null = null;

  status(code: number): this {
    this.statusCode = code;
    return this;
  }

  setHeader(name: string, value: string): void {
    this.headers[name.toLowerCase()] = value;
  }

  send(body: string): void {
    this.body = body;
    this.headersSent = true;
  }
}

describe('refuseWhileFull', () => {
  const routes = CONTROLLERS.flatMap(routesOf);

  it('knows exactly the routes SagaAdmissionGuard guards', () => {
    const admitted = routes.filter((route) => route.admitted);
    expect(admitted.length).toBe(3);
    for (const route of routes) expect({ ...route, startsAPayment: startsAPayment(route.method, route.path) }).toEqual({ ...route, startsAPayment: route.admitted });
  });

  it('matches those routes as Express routes them: any letter case, a trailing slash; not a longer path, not another method', () => {
    expect(startsAPayment('POST', '/V1/PAYMENTS/')).toBe(true);
    expect(startsAPayment('POST', '/v1/merchant-orders/abc/payment')).toBe(true);
    expect(startsAPayment('POST', '/v1/payments/abc')).toBe(false);
    expect(startsAPayment('POST', '/v1/merchant-orders/a/b/payment')).toBe(false);
    expect(startsAPayment('GET', '/v1/payments')).toBe(false);
    expect(startsAPayment(undefined, '/v1/payments')).toBe(false);
  });

  describe('on a replica', () => {
    let admission: SagaAdmission;
    let middleware: ReturnType<typeof refuseWhileFull>;

    beforeEach(() => {
      admission = new SagaAdmission({ maxLagMs: 10_000, maxRetryAfterSeconds: 10, sampleMaxAgeMs: 5_000, maxInFlight: 1 }, new FixedClock(new Date('2026-11-28T10:00:00.000Z')));
      middleware = refuseWhileFull(admission);
    });

    function send(method: string, path: string): { passedOn: boolean; response: WrittenResponse } {
      const response = new WrittenResponse();
      let passedOn = false;
      middleware({ method, path }, response, () => (passedOn = true));
      return { passedOn, response };
    }

    it('passes every request on while there is room, taking no place itself', () => {
      expect(send('POST', '/v1/payments').passedOn).toBe(true);
      expect(admission.inFlightCount()).toBe(0);
    });

    it('refuses a request to start a payment while full: 503 problem+json, Retry-After 1, counted, the guard never reached', async () => {
      const leave = admission.tryEnter();
      const before = await refusalsCounted();

      const { passedOn, response } = send('POST', '/v1/collect-requests/7/approve');

      expect(passedOn).toBe(false);
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toBe('1');
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(response.body ?? '')).toMatchObject({ status: 503, code: 'payments-overloaded', instance: '/v1/collect-requests/7/approve' });
      expect(await refusalsCounted()).toBe(before + 1);
      expect(admission.inFlightCount()).toBe(1);

      leave?.();
      expect(send('POST', '/v1/collect-requests/7/approve').passedOn).toBe(true);
    });

    it('lets every other request through while full', () => {
      admission.tryEnter();
      expect(send('GET', '/v1/payments/7').passedOn).toBe(true);
      expect(send('POST', '/v1/merchant-orders').passedOn).toBe(true);
      expect(send('GET', '/health/ready').passedOn).toBe(true);
    });
  });
});
