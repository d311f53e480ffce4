import { PaymentStatus } from '@kirim/contracts';
import { Payment } from '../payment';
import { samplePayment } from '../../testing/payment-fakes';
import { decodeHistoryCursor, encodeHistoryCursor, ListMyPaymentsQuery, ListMyPaymentsUseCase, MY_PAYMENTS_DEFAULT_PAGE, MyPaymentItem } from './list-my-payments.use-case';
import { PaymentHistoryQuery, PaymentHistoryRepository } from './payment-history.repository';

const ME = 'a1a1a1a1-a1a1-4a1a-8a1a-a1a1a1a1a1a1';
const BALA = 'b2b2b2b2-b2b2-4b2b-8b2b-b2b2b2b2b2b2';
const CHITRA = 'c3c3c3c3-c3c3-4c3c-8c3c-c3c3c3c3c3c3';

/** The repository's contract in memory: the user's payments matching the filters, newest first by (created_at, id). */
class InMemoryPaymentHistory extends PaymentHistoryRepository {
  readonly queries: PaymentHistoryQuery[] = [];
  constructor(public rows: Payment[]) {
    super();
  }

  async listForUser(query: PaymentHistoryQuery): Promise<Payment[]> {
    this.queries.push(query);
    const newestFirst = (a: Payment, b: Payment): number => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
    return this.rows
      .filter((p) => {
        const sent = p.payerUserId === query.userId;
        const received = !sent && p.payeeUserId === query.userId;
        if (!sent && !received) return false;
        if (query.direction === 'sent' && !sent) return false;
        if (query.direction === 'received' && !received) return false;
        if (query.counterpartyUserId !== null && (sent ? p.payeeUserId : p.payerUserId) !== query.counterpartyUserId) return false;
        if (query.statuses !== null && !query.statuses.includes(p.status)) return false;
        if (query.from !== null && p.createdAt < query.from) return false;
        if (query.to !== null && p.createdAt >= query.to) return false;
        if (query.before !== null) {
          const at = p.createdAt.getTime();
          const beforeAt = query.before.createdAt.getTime();
          if (at > beforeAt || (at === beforeAt && p.id >= query.before.id)) return false;
        }
        return true;
      })
      .sort(newestFirst)
      .slice(0, query.limit);
  }
}

function paymentId(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

function payment(n: number, options: { payer?: string; payee?: string; at?: string; status?: PaymentStatus } = {}): Payment {
  return samplePayment(
    options.status ?? 'completed',
    { payerUserId: options.payer ?? ME, payeeUserId: options.payee ?? BALA, createdAt: new Date(options.at ?? '2026-11-28T09:00:00.000Z') },
    paymentId(n),
  );
}

async function listed(useCase: ListMyPaymentsUseCase, query: ListMyPaymentsQuery): Promise<{ items: readonly MyPaymentItem[]; nextCursor: string | null }> {
  const outcome = await useCase.execute(query);
  if (!outcome.ok) throw new Error(`refused: ${outcome.errors.join('; ')}`);
  return outcome;
}

async function refusal(useCase: ListMyPaymentsUseCase, query: ListMyPaymentsQuery): Promise<readonly string[]> {
  const outcome = await useCase.execute(query);
  if (outcome.ok) throw new Error('expected a refusal');
  return outcome.errors;
}

describe('ListMyPaymentsUseCase', () => {
  it('lists what the user sent and received, newest first, each with its direction, and nobody else’s', async () => {
    const history = new InMemoryPaymentHistory([
      payment(1, { at: '2026-11-01T10:00:00.000Z' }),
      payment(2, { payer: BALA, payee: ME, at: '2026-11-02T10:00:00.000Z' }),
      payment(3, { payer: BALA, payee: CHITRA, at: '2026-11-03T10:00:00.000Z' }),
    ]);
    const page = await listed(new ListMyPaymentsUseCase(history), { userId: ME });
    expect(page.items.map((item) => [item.payment.id, item.direction])).toEqual([
      [paymentId(2), 'received'],
      [paymentId(1), 'sent'],
    ]);
    expect(page.nextCursor).toBeNull();
    // One more than the page, to know whether another follows.
    expect(history.queries[0]).toMatchObject({ userId: ME, limit: MY_PAYMENTS_DEFAULT_PAGE + 1, before: null });
  });

  it('pages through payments sharing a created_at without repeating or skipping one', async () => {
    const rows = [1, 2, 3, 4, 5, 6, 7].map((n) => payment(n, { at: n <= 5 ? '2026-11-28T09:00:00.000Z' : '2026-11-27T09:00:00.000Z', ...(n % 2 === 0 ? { payer: BALA, payee: ME } : {}) }));
    const useCase = new ListMyPaymentsUseCase(new InMemoryPaymentHistory(rows));
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listed(useCase, { userId: ME, limit: 2, ...(cursor !== undefined ? { cursor } : {}) });
      seen.push(...page.items.map((item) => item.payment.id));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor !== undefined);
    expect(pages).toBe(4);
    expect(seen).toEqual([5, 4, 3, 2, 1, 7, 6].map(paymentId));
  });

  it('says there is no next page when the last page is exactly full', async () => {
    const useCase = new ListMyPaymentsUseCase(new InMemoryPaymentHistory([payment(1), payment(2)]));
    expect((await listed(useCase, { userId: ME, limit: 2 })).nextCursor).toBeNull();
  });

  it('passes the filters on checked: statuses once each in a fixed order, the counterparty in lower case, the window', async () => {
    const history = new InMemoryPaymentHistory([]);
    await listed(new ListMyPaymentsUseCase(history), {
      userId: ME,
      statuses: ['reversed', 'completed', 'reversed'],
      direction: 'received',
      counterpartyUserId: BALA.toUpperCase(),
      from: new Date('2026-11-01T00:00:00Z'),
      to: new Date('2026-12-01T00:00:00Z'),
      limit: 5,
    });
    expect(history.queries[0]).toEqual({
      userId: ME,
      statuses: ['completed', 'reversed'],
      direction: 'received',
      counterpartyUserId: BALA,
      from: new Date('2026-11-01T00:00:00Z'),
      to: new Date('2026-12-01T00:00:00Z'),
      before: null,
      limit: 6,
    });
  });

  it('filters by status, window, direction and counterparty', async () => {
    const useCase = new ListMyPaymentsUseCase(
      new InMemoryPaymentHistory([
        payment(1, { at: '2026-10-31T23:59:59.999Z' }),
        payment(2, { at: '2026-11-01T00:00:00.000Z', status: 'debit_failed' }),
        payment(3, { at: '2026-11-15T00:00:00.000Z', payee: CHITRA }),
        payment(4, { at: '2026-11-20T00:00:00.000Z', payer: CHITRA, payee: ME }),
        payment(5, { at: '2026-12-01T00:00:00.000Z' }),
      ]),
    );
    const ids = async (query: Omit<ListMyPaymentsQuery, 'userId'>): Promise<string[]> => (await listed(useCase, { userId: ME, ...query })).items.map((item) => item.payment.id);
    const november = { from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-12-01T00:00:00Z') };
    expect(await ids(november)).toEqual([4, 3, 2].map(paymentId));
    expect(await ids({ ...november, statuses: ['completed'] })).toEqual([4, 3].map(paymentId));
    expect(await ids({ direction: 'sent', counterpartyUserId: CHITRA })).toEqual([paymentId(3)]);
    expect(await ids({ counterpartyUserId: CHITRA })).toEqual([4, 3].map(paymentId));
  });

  it.each<[string, Omit<ListMyPaymentsQuery, 'userId'>, string]>([
    ['a limit of 0', { limit: 0 }, 'limit must be a whole number from 1 to 100'],
    ['a limit of 101', { limit: 101 }, 'limit must be a whole number from 1 to 100'],
    ['a fractional limit', { limit: 1.5 }, 'limit must be a whole number from 1 to 100'],
    ['an unknown status', { statuses: ['completed', 'paid'] }, 'status must be payment statuses'],
    ['an empty status list', { statuses: [] }, 'status must be payment statuses'],
    ['an unknown direction', { direction: 'both' }, 'direction must be sent or received'],
    ['a counterparty that is no user id', { counterpartyUserId: '+919876543210' }, 'counterparty must be a user id'],
    ['an invalid from', { from: new Date('nope') }, 'from must be an ISO 8601 date-time'],
    ['from after to', { from: new Date('2026-11-02T00:00:00Z'), to: new Date('2026-11-01T00:00:00Z') }, 'from must be before to'],
    ['from equal to to', { from: new Date('2026-11-01T00:00:00Z'), to: new Date('2026-11-01T00:00:00Z') }, 'from must be before to'],
    ['a window over 366 days', { from: new Date('2025-01-01T00:00:00Z'), to: new Date('2026-01-02T00:00:00.001Z') }, 'at most 366 days apart'],
  ])('refuses %s without reading anything', async (_name, query, message) => {
    const history = new InMemoryPaymentHistory([payment(1)]);
    const errors = await refusal(new ListMyPaymentsUseCase(history), { userId: ME, ...query });
    expect(errors).toEqual([expect.stringContaining(message)]);
    expect(history.queries).toHaveLength(0);
  });

  it('accepts a window of exactly 366 days', async () => {
    const useCase = new ListMyPaymentsUseCase(new InMemoryPaymentHistory([]));
    await expect(useCase.execute({ userId: ME, from: new Date('2024-01-01T00:00:00Z'), to: new Date('2025-01-01T00:00:00Z') })).resolves.toMatchObject({ ok: true });
  });

  it('reports every problem of a request at once', async () => {
    const errors = await refusal(new ListMyPaymentsUseCase(new InMemoryPaymentHistory([])), { userId: ME, limit: 0, direction: 'up' });
    expect(errors).toHaveLength(2);
  });

  describe('cursor', () => {
    async function firstCursor(useCase: ListMyPaymentsUseCase, query: Omit<ListMyPaymentsQuery, 'userId' | 'limit'> = {}, userId = ME): Promise<string> {
      const page = await listed(useCase, { userId, limit: 1, ...query });
      if (page.nextCursor === null) throw new Error('expected a next page');
      return page.nextCursor;
    }
    const rows = [payment(1, { at: '2026-11-01T00:00:00.000Z' }), payment(2, { at: '2026-11-02T00:00:00.000Z' }), payment(3, { payer: BALA, payee: ME, at: '2026-11-03T00:00:00.000Z', status: 'reversed' })];
    const CURSOR_ERROR = 'cursor must be the nextCursor of a previous page of this list, with the same filters';

    it('is URL-safe text that carries no user id (it is bound to the user by a hash)', async () => {
      const cursor = await firstCursor(new ListMyPaymentsUseCase(new InMemoryPaymentHistory(rows)));
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(Buffer.from(cursor, 'base64url').toString('utf8')).not.toContain(ME);
    });

    it('refuses a cursor naming a day that does not exist, which Date would roll over into another', async () => {
      const useCase = new ListMyPaymentsUseCase(new InMemoryPaymentHistory(rows));
      const [, id, fingerprint] = Buffer.from(await firstCursor(useCase), 'base64url').toString('utf8').split('|');
      const impossible = Buffer.from(`2026-02-30T09:00:00.000Z|${id}|${fingerprint}`).toString('base64url');
      expect(await refusal(useCase, { userId: ME, limit: 1, cursor: impossible })).toEqual([CURSOR_ERROR]);
      const real = Buffer.from(`2026-02-28T09:00:00.000Z|${id}|${fingerprint}`).toString('base64url');
      await expect(useCase.execute({ userId: ME, limit: 1, cursor: real })).resolves.toMatchObject({ ok: true });
    });

    it('round-trips the position of the last payment shown', () => {
      const position = { createdAt: new Date('2026-11-28T09:00:00.123Z'), id: paymentId(9) };
      expect(decodeHistoryCursor(encodeHistoryCursor(position, 'AAAAAAAAAAAAAAAA'), 'AAAAAAAAAAAAAAAA')).toEqual(position);
      expect(decodeHistoryCursor(encodeHistoryCursor(position, 'AAAAAAAAAAAAAAAA'), 'BBBBBBBBBBBBBBBB')).toBeNull();
    });

    it.each([
      ['not base64url', 'not a cursor!'],
      ['base64url of something else', Buffer.from('{"createdAt":"2026-11-28T09:00:00.000Z"}').toString('base64url')],
      ['too long', 'A'.repeat(201)],
    ])('refuses a cursor that is %s', async (_name, cursor) => {
      const history = new InMemoryPaymentHistory(rows);
      expect(await refusal(new ListMyPaymentsUseCase(history), { userId: ME, cursor })).toEqual([CURSOR_ERROR]);
      expect(history.queries).toHaveLength(0);
    });

    it('accepts an edited position (it moves only within the caller’s own list) but not an edited binding', async () => {
      const useCase = new ListMyPaymentsUseCase(new InMemoryPaymentHistory(rows));
      const cursor = await firstCursor(useCase);
      const [at, , fingerprint] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
      // Keeping the fingerprint keeps it valid: it names a position, never whose payments are read.
      const moved = Buffer.from(`${at}|${paymentId(1)}|${fingerprint}`).toString('base64url');
      await expect(useCase.execute({ userId: ME, limit: 1, cursor: moved })).resolves.toMatchObject({ ok: true });
      const bent = Buffer.from(`${at}|${paymentId(1)}|${'x'.repeat(16)}`).toString('base64url');
      expect(await refusal(useCase, { userId: ME, limit: 1, cursor: bent })).toEqual([CURSOR_ERROR]);
    });

    it.each<[string, Omit<ListMyPaymentsQuery, 'userId' | 'limit' | 'cursor'>]>([
      ['a status filter', { statuses: ['completed'] }],
      ['a direction', { direction: 'sent' }],
      ['a counterparty', { counterpartyUserId: BALA }],
      ['a window', { from: new Date('2026-11-01T00:00:00Z') }],
    ])('refuses a cursor given with %s it was not made with', async (_name, filters) => {
      const useCase = new ListMyPaymentsUseCase(new InMemoryPaymentHistory(rows));
      const cursor = await firstCursor(useCase);
      expect(await refusal(useCase, { userId: ME, limit: 1, cursor, ...filters })).toEqual([CURSOR_ERROR]);
    });

    it('accepts a cursor with the same filters written differently (statuses in another order)', async () => {
      const useCase = new ListMyPaymentsUseCase(new InMemoryPaymentHistory(rows));
      const cursor = await firstCursor(useCase, { statuses: ['reversed', 'completed'] });
      const next = await listed(useCase, { userId: ME, limit: 1, cursor, statuses: ['completed', 'reversed', 'completed'] });
      expect(next.items.map((item) => item.payment.id)).toEqual([paymentId(2)]);
    });

    it("refuses another user's cursor", async () => {
      const useCase = new ListMyPaymentsUseCase(new InMemoryPaymentHistory(rows));
      const balasCursor = await firstCursor(useCase, {}, BALA);
      expect(await refusal(useCase, { userId: ME, limit: 1, cursor: balasCursor })).toEqual([CURSOR_ERROR]);
    });
  });

  it('never shows a payment of others, even if storage returned one', async () => {
    class LeakyHistory extends PaymentHistoryRepository {
      async listForUser(): Promise<Payment[]> {
        return [payment(1, { payer: BALA, payee: CHITRA })];
      }
    }
    await expect(new ListMyPaymentsUseCase(new LeakyHistory()).execute({ userId: ME })).rejects.toThrow(/of others/);
  });
});
