import { InternalCallRequest, InternalHttpClient, DEFAULT_HTTP_BODY_LIMIT_BYTES } from '@kirim/platform';
import { BankLegReport, InternalOperation, MAX_LEGS_PER_RECONCILIATION, Money, ReconcileBankLegsRequest } from '@kirim/contracts';
import { HttpBankLegStatuses } from './bank-leg-statuses';
import type { ExpectedLeg } from './leg-comparison';

/** Records each call's body and answers every leg as applied. */
class RecordingClient {
  readonly bodies: string[] = [];
  async call(_operation: InternalOperation, request: InternalCallRequest): Promise<{ ok: true; value: { legs: BankLegReport[]; unaskedLegs: BankLegReport[] } }> {
    this.bodies.push(JSON.stringify(request.body));
    const asked = (request.body as ReconcileBankLegsRequest).legs;
    return { ok: true, value: { legs: asked.map((leg) => ({ requestId: leg.requestId, paymentId: leg.paymentId, state: 'applied' }) as unknown as BankLegReport), unaskedLegs: [] } };
  }
}

const uuid = (n: number): string => `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;

/** A leg as long as one can be: the largest amount, the longest bank code and purpose. */
function longestLeg(n: number): ExpectedLeg {
  return {
    leg: 'reversal',
    requestId: uuid(n),
    paymentId: uuid(1_000_000 + n),
    purpose: 'reversal',
    direction: 'credit',
    bankCode: 'ABCDEFGHIJKLMNOP',
    accountRef: uuid(2_000_000 + n),
    amount: Money.ofMinor(10_000_000n, 'INR'),
    expectation: 'applied',
  };
}

describe('HttpBankLegStatuses', () => {
  it("asks at most MAX_LEGS_PER_RECONCILIATION legs a call, each call's body inside bank-connector's default request body limit", async () => {
    const client = new RecordingClient();
    const statuses = new HttpBankLegStatuses(client as unknown as InternalHttpClient);
    const legs = Array.from({ length: 2 * MAX_LEGS_PER_RECONCILIATION + 7 }, (_, n) => longestLeg(n));

    const result = await statuses.reportsFor(legs);

    expect(result).toMatchObject({ ok: true });
    expect(result.ok && result.legs.length).toBe(legs.length);
    expect(client.bodies).toHaveLength(3);
    for (const body of client.bodies) expect(Buffer.byteLength(body)).toBeLessThan(DEFAULT_HTTP_BODY_LIMIT_BYTES);
  });
});
