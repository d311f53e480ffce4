import { PROBLEM_CODES } from '@kirim/contracts';
import { Api, HttpResult, Party, PaymentView, Problem } from './support/api';
import { freshParty, PROBLEM_CONTENT_TYPE } from './support/parties';

/**
 * A user's payment history through the edge (GET /v1/payments): sent and received, newest first,
 * paged by cursor, filtered by status, time window, counterparty and direction, and never showing
 * anyone else's payment.
 */

interface HistoryItem extends PaymentView {
  readonly direction: 'sent' | 'received';
}

interface HistoryPage {
  readonly items: HistoryItem[];
  readonly nextCursor?: string;
}

describe('payment history (e2e, running stack)', () => {
  const api = new Api();
  let asha: Party;
  let bala: Party;
  let chitra: Party;
  /** Asha's payments, oldest first, as GET /v1/payments/{id} shows them once final. */
  const ashas: PaymentView[] = [];
  /** A payment between two others. */
  let notAshas: PaymentView;

  async function paidAndFinal(payer: Party, payee: Party, amount: string): Promise<PaymentView> {
    const accepted = await api.payAccepted(payer, { payeePhone: payee.phone, amount });
    return api.waitUntilFinal(payer, accepted.paymentId);
  }

  function history(session: Party, query: Record<string, string> = {}): Promise<HttpResult<HistoryPage | Problem>> {
    const search = new URLSearchParams(query).toString();
    return api.request<HistoryPage | Problem>('GET', `/v1/payments${search ? `?${search}` : ''}`, { token: session.accessToken });
  }

  async function page(session: Party, query: Record<string, string> = {}): Promise<HistoryPage> {
    const result = await history(session, query);
    if (result.status !== 200) throw new Error(`GET ${result.path} answered ${result.status}: ${result.text.slice(0, 500)}`);
    return result.body as HistoryPage;
  }

  /** Every page of a query, following nextCursor. */
  async function allPages(session: Party, query: Record<string, string>): Promise<HistoryPage[]> {
    const pages: HistoryPage[] = [];
    let cursor: string | undefined;
    do {
      const next = await page(session, { ...query, ...(cursor !== undefined ? { cursor } : {}) });
      pages.push(next);
      cursor = next.nextCursor;
    } while (cursor !== undefined && pages.length < 20);
    return pages;
  }

  const newestFirst = (views: readonly PaymentView[]): string[] => [...views].reverse().map((view) => view.paymentId);

  function expectValidationProblem(result: HttpResult<HistoryPage | Problem>, field: string): void {
    expect(result.status).toBe(400);
    expect(result.contentType).toMatch(PROBLEM_CONTENT_TYPE);
    const problem = result.body as Problem & { errors?: string[] };
    expect(problem.code).toBe(PROBLEM_CODES.VALIDATION_FAILED);
    expect(problem.errors?.some((error) => error.includes(field))).toBe(true);
  }

  beforeAll(async () => {
    asha = await freshParty(api, 'history asha', 'SBXA', '1000.00');
    bala = await freshParty(api, 'history bala', 'SBXB', '50.00');
    chitra = await freshParty(api, 'history chitra', 'SBXB', '50.00');
    // One at a time, so created_at orders them as made.
    ashas.push(await paidAndFinal(asha, bala, '10.00'));
    ashas.push(await paidAndFinal(bala, asha, '2.00'));
    ashas.push(await paidAndFinal(asha, chitra, '11.00'));
    // Bala cannot afford it: declined by the bank (Z9), debit_failed.
    ashas.push(await paidAndFinal(bala, asha, '500.00'));
    ashas.push(await paidAndFinal(chitra, asha, '3.00'));
    ashas.push(await paidAndFinal(asha, bala, '12.00'));
    notAshas = await paidAndFinal(chitra, bala, '1.00');
  }, 180_000);

  it('pages through all of a user’s payments, newest first, each as GET /v1/payments/{id} shows it with its direction', async () => {
    const pages = await allPages(asha, { limit: '4' });
    expect(pages.map((p) => p.items.length)).toEqual([4, 2]);
    expect(pages[1].nextCursor).toBeUndefined();
    const items = pages.flatMap((p) => p.items);
    expect(items.map((item) => item.paymentId)).toEqual(newestFirst(ashas));
    for (const item of items) {
      const { direction, ...view } = item;
      expect(view).toEqual(await api.getPayment(asha, item.paymentId));
      expect(direction).toBe(item.payerUserId === asha.userId ? 'sent' : 'received');
    }
    expect(items.filter((item) => item.direction === 'received').map((item) => item.payerUserId)).toEqual([chitra.userId, bala.userId, bala.userId]);
  });

  it('never shows a payment between others, and no one sees Asha’s but her counterparties', async () => {
    const ashasIds = (await allPages(asha, { limit: '100' })).flatMap((p) => p.items.map((item) => item.paymentId));
    expect(ashasIds).not.toContain(notAshas.paymentId);

    const chitras = (await allPages(chitra, {})).flatMap((p) => p.items);
    // Chitra sees her own three: 11.00 from Asha, 3.00 to Asha, 1.00 to Bala; none of Asha's with Bala.
    expect(chitras.map((item) => item.paymentId).sort()).toEqual([ashas[2].paymentId, ashas[4].paymentId, notAshas.paymentId].sort());
    expect(chitras.every((item) => item.payerUserId === chitra.userId || item.payeeUserId === chitra.userId)).toBe(true);

    // Even naming Asha as the counterparty, Bala sees only what Asha and he paid each other.
    const balaWithAsha = (await page(bala, { counterparty: asha.userId })).items.map((item) => item.paymentId);
    expect(balaWithAsha.sort()).toEqual([ashas[0], ashas[1], ashas[3], ashas[5]].map((view) => view.paymentId).sort());
  });

  it('filters by status, a comma-separated list', async () => {
    expect((await page(asha, { status: 'debit_failed' })).items.map((item) => item.paymentId)).toEqual([ashas[3].paymentId]);
    const completed = await page(asha, { status: 'completed' });
    expect(completed.items.map((item) => item.paymentId)).toEqual(newestFirst(ashas.filter((view) => view.status === 'completed')));
    expect((await page(asha, { status: 'completed,debit_failed', limit: '100' })).items).toHaveLength(6);
    expect((await page(asha, { status: 'reversed' })).items).toEqual([]);
  });

  it('filters by a time window, from inclusive and to exclusive, across pages', async () => {
    const query = { from: ashas[1].createdAt, to: ashas[4].createdAt, limit: '2' };
    const pages = await allPages(asha, query);
    expect(pages.flatMap((p) => p.items.map((item) => item.paymentId))).toEqual(newestFirst(ashas.slice(1, 4)));
    // The same window with the time written in India's offset is the same instants.
    const ist = (iso: string): string => new Date(new Date(iso).getTime() + 330 * 60_000).toISOString().replace('Z', '+05:30');
    const inIst = await page(asha, { from: ist(ashas[1].createdAt), to: ist(ashas[4].createdAt) });
    expect(inIst.items.map((item) => item.paymentId)).toEqual(newestFirst(ashas.slice(1, 4)));
  });

  it('filters by counterparty and by direction', async () => {
    expect((await page(asha, { counterparty: chitra.userId })).items.map((item) => item.paymentId)).toEqual([ashas[4].paymentId, ashas[2].paymentId]);
    expect((await page(asha, { counterparty: chitra.userId, direction: 'sent' })).items.map((item) => item.paymentId)).toEqual([ashas[2].paymentId]);
    const received = (await page(asha, { direction: 'received' })).items;
    expect(received.map((item) => item.paymentId)).toEqual([ashas[4], ashas[3], ashas[1]].map((view) => view.paymentId));
    expect(received.every((item) => item.direction === 'received' && item.payeeUserId === asha.userId)).toBe(true);
  });

  it('refuses a cursor that is not its own, or given with other filters or by another user, with a 400 problem', async () => {
    const first = await page(asha, { limit: '2' });
    const cursor = first.nextCursor as string;
    expect(cursor).toEqual(expect.any(String));
    expectValidationProblem(await history(asha, { cursor: 'bm90LWEtY3Vyc29y' }), 'cursor');
    // One character of the query binding changed (a whole base64url group: no padding bits).
    const at = cursor.length - 5;
    const edited = `${cursor.slice(0, at)}${cursor[at] === 'A' ? 'B' : 'A'}${cursor.slice(at + 1)}`;
    expectValidationProblem(await history(asha, { cursor: edited }), 'cursor');
    expectValidationProblem(await history(asha, { cursor, status: 'completed' }), 'cursor');
    expectValidationProblem(await history(bala, { cursor }), 'cursor');
    // The cursor itself still works with the filters it was made for.
    expect((await page(asha, { cursor, limit: '2' })).items.map((item) => item.paymentId)).toEqual(newestFirst(ashas).slice(2, 4));
  });

  it('refuses bad filters with a 400 problem naming them', async () => {
    expectValidationProblem(await history(asha, { limit: '0' }), 'limit');
    expectValidationProblem(await history(asha, { limit: '101' }), 'limit');
    expectValidationProblem(await history(asha, { status: 'completed,paid' }), 'status');
    expectValidationProblem(await history(asha, { from: '2026-11-02T00:00:00Z', to: '2026-11-01T00:00:00Z' }), 'from must be before to');
    expectValidationProblem(await history(asha, { from: '2025-01-01T00:00:00Z', to: '2026-06-01T00:00:00Z' }), '366 days');
    expectValidationProblem(await history(asha, { from: '2026-02-30T00:00:00Z' }), 'from');
    expectValidationProblem(await history(asha, { from: '2026-11-01' }), 'from');
    expectValidationProblem(await history(asha, { counterparty: bala.phone }), 'counterparty');
    expectValidationProblem(await history(asha, { direction: 'both' }), 'direction');
    expectValidationProblem(await history(asha, { payer: bala.userId }), 'payer');
    // A list is one comma-separated parameter: the platform refuses a repeated one.
    const repeated = await api.request<Problem>('GET', '/v1/payments?status=completed&status=reversed', { token: asha.accessToken });
    expect(repeated.status).toBe(400);
    expect((repeated.body as Problem).code).toBe(PROBLEM_CODES.VALIDATION_FAILED);
  });

  it('answers 401 without a token', async () => {
    const result = await api.request<Problem>('GET', '/v1/payments');
    expect(result.status).toBe(401);
    expect(result.contentType).toMatch(PROBLEM_CONTENT_TYPE);
  });
});
