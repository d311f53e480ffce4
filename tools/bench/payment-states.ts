import { Api, PaymentView } from '../../apps/e2e/src/support/api';
import { AcceptedPayment, isFinalStatus, PaymentState } from './run-verdict';
import { backoffMs, errorText, sleep, withTimeout } from './task-pool';
import { SessionKeeper, SessionUnavailable } from './user-sessions';

/** GET /v1/payments/{id} with the payer's token: its status and body. */
export type PaymentGet = (paymentId: string, accessToken: string) => Promise<{ readonly status: number; readonly body: unknown }>;

/** The read through apps/e2e's Api (global fetch, every exchange on record for the sensitive-data audit). */
export function paymentGetThroughApi(api: Api): PaymentGet {
  return (paymentId, accessToken) => api.request<PaymentView>('GET', `/v1/payments/${encodeURIComponent(paymentId)}`, { token: accessToken });
}

/**
 * What a payment became, as its payer sees it: GET /v1/payments/{id} over the edge with the payer's
 * token. While services restart the edge answers 502/503/504 or nothing at all, and a token may
 * be refused while identity is away; the read is retried until `patienceMs` has passed.
 */
export class PaymentStateReader {
  constructor(
    private readonly sessions: SessionKeeper,
    private readonly get: PaymentGet,
  ) {}

  /** The payment's state; status null when the API gave no answer within `patienceMs`. */
  async read(payment: AcceptedPayment, patienceMs: number): Promise<PaymentState> {
    const deadline = Date.now() + patienceMs;
    let lastProblem = 'no answer';
    for (let attempt = 0; ; attempt++) {
      try {
        const payer = await this.sessions.current(payment.payerUserId);
        const result = await withTimeout(this.get(payment.paymentId, payer.accessToken), 30_000, 'GET /v1/payments/{id}');
        if (result.status === 200) return stateOf(payment.paymentId, result.body as PaymentView);
        if (result.status === 404) return { paymentId: payment.paymentId, status: 'missing' }; // accepted, then gone: lost
        if (result.status === 401) await this.sessions.renew(payment.payerUserId, payer.accessToken);
        lastProblem = `answered ${result.status}`;
      } catch (error) {
        if (!(error instanceof SessionUnavailable) && !isNetworkFailure(error)) throw error;
        lastProblem = errorText(error);
      }
      if (Date.now() >= deadline) return { paymentId: payment.paymentId, status: null, resultCode: `unreadable: ${lastProblem}` };
      await sleep(backoffMs(attempt));
    }
  }
}

function stateOf(paymentId: string, view: PaymentView): PaymentState {
  const finalAt = isFinalStatus(view.status) ? Date.parse(view.updatedAt) : undefined;
  return { paymentId, status: view.status, ...(view.resultCode ? { resultCode: view.resultCode } : {}), ...(finalAt !== undefined && Number.isFinite(finalAt) ? { finalAt } : {}) };
}

/** fetch's (and EdgeHttp's) own failures (refused, reset, timed out): the service is away, not answering wrongly. */
export function isNetworkFailure(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimedOut' || error.name === 'EdgeUnreachable' || error instanceof TypeError);
}
