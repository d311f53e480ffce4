import { Logger } from '@nestjs/common';
import { context, createContextKey } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { InternalHttpClient, ServiceTokenSource } from '@kirim/platform';
import { HttpPartyDirectory } from './http-party-directory';

const PAYER = 'c0c0c0c0-c0c0-4c0c-8c0c-c0c0c0c0c0c0';
const PARTIES = {
  payer: { userId: PAYER, bankCode: 'SBXA', accountRef: 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa' },
  payee: { userId: 'd0d0d0d0-d0d0-4d0d-8d0d-d0d0d0d0d0d0', bankCode: 'SBXB', accountRef: 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb', displayName: 'Asha' },
};

class FixedTokens extends ServiceTokenSource {
  readonly audiences: string[] = [];
  async tokenFor(audience: string): Promise<string> {
    this.audiences.push(audience);
    return 'h.payments-for-identity.s';
  }
  forget(): void {
    // A fixed token has nothing to forget.
  }
}

function directoryAnswering(answer: (request: { url: string; init?: RequestInit }) => Promise<Response>, fetchOverride?: typeof fetch, callsInFlight = 2, now?: () => number) {
  const requests: Array<{ url: string; init?: RequestInit }> = [];
  const fakeFetch = (async (url: URL | string | Request, init?: RequestInit) => {
    const request = { url: String(url), init };
    requests.push(request);
    return answer(request);
  }) as typeof fetch;
  const tokens = new FixedTokens();
  const client = new InternalHttpClient({ baseUrls: { identity: 'http://identity.test:3001' }, tokens, transport: fetchOverride ?? fakeFetch, timeoutMs: 50 });
  return { directory: new HttpPartyDirectory(client, callsInFlight, now), requests, tokens };
}

/** A fetch whose answers the test releases, one request at a time, in the order they were sent. */
function heldAnswers() {
  const held: Array<{ url: string; body: unknown; release: (response: Response) => void }> = [];
  const fetchHeld = ((url: URL | string | Request, init?: RequestInit) =>
    new Promise<Response>((release) => held.push({ url: String(url), body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined, release }))) as typeof fetch;
  return { held, fetchHeld };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

/**
 * One call out (the limit) for a first lookup, `count` lookups asked while it is, then the first call
 * answered: the waiting lookups are then sent together, as `held[1]`.
 */
async function lookupsWaitingOnOneCall(count: number, now?: () => number, beforeAnswering?: () => void) {
  const { held, fetchHeld } = heldAnswers();
  const { directory } = directoryAnswering(async () => json(500, {}), fetchHeld, 1, now);
  const first = directory.resolve(PAYER, { phone: '+919876543210' });
  await settle();
  const waiting = Array.from({ length: count }, (_, index) => directory.resolve(PAYER, { phone: `+9198765432${String(11 + index).padStart(2, '0')}` }));
  beforeAnswering?.();
  held[0].release(json(200, PARTIES));
  await first;
  await settle();
  return { held, waiting };
}

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': status < 300 ? 'application/json' : 'application/problem+json' } });

describe('HttpPartyDirectory', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it("asks identity's internal operation for the authenticated payer with payments' own service token, never a user's", async () => {
    const { directory, requests, tokens } = directoryAnswering(async () => json(200, { ...PARTIES, extra: 'ignored' }));
    const result = await directory.resolve(PAYER, { phone: '+919876543210' });

    expect(result).toEqual({ ok: true, parties: expect.objectContaining({ payer: expect.objectContaining(PARTIES.payer), payee: expect.objectContaining(PARTIES.payee) }) });
    expect(requests[0].url).toBe(`http://identity.test:3001/internal/v1/payment-parties?payerUserId=${PAYER}&payeePhone=%2B919876543210`);
    expect(new Headers(requests[0].init?.headers).get('authorization')).toBe('Bearer h.payments-for-identity.s');
    expect(tokens.audiences).toEqual(['identity']);
  });

  it('asks identity by payment address when the payer named one', async () => {
    const { directory, requests } = directoryAnswering(async () => json(200, PARTIES));
    const result = await directory.resolve(PAYER, { address: 'asha.k@kirim' });

    expect(result.ok).toBe(true);
    expect(requests[0].url).toBe(`http://identity.test:3001/internal/v1/payment-parties?payerUserId=${PAYER}&payeeAddress=asha.k%40kirim`);
  });

  it.each([
    [404, { code: 'payee-not-found', detail: 'No user is registered with this phone number.', resultCode: 'ZH' }],
    [422, { code: 'payer-account-missing', detail: 'Link a bank account before paying.', resultCode: 'XH' }],
    [422, { code: 'self-payment', detail: 'The payer and the payee are the same user.' }],
    // A merchant's address (docs/merchants.md): POST /v1/payments answers it to the payer as identity worded it.
    [422, { code: 'payee-is-merchant', detail: "This address is a merchant's, not a person's: pay the merchant through its order or collect request in the chat." }],
  ])("passes identity's %i problem on", async (status, problem) => {
    const { directory } = directoryAnswering(async () => json(status, { type: 'x', title: 'y', status, ...problem }));
    expect(await directory.resolve(PAYER, { phone: '+919876543210' })).toEqual({ ok: false, failure: { kind: 'refused', status, ...problem } });
  });

  it("passes identity's 429 on with when to retry: the payer's payee lookups ran out", async () => {
    const { directory } = directoryAnswering(async () => new Response(JSON.stringify({ code: 'rate-limited', detail: 'Too many payee lookups.' }), { status: 429, headers: { 'retry-after': '42' } }));
    expect(await directory.resolve(PAYER, { phone: '+919876543210' })).toEqual({
      ok: false,
      failure: { kind: 'refused', status: 429, code: 'rate-limited', detail: 'Too many payee lookups.', retryAfterSeconds: 42 },
    });
  });

  it.each([
    ['a 500', async () => json(500, { code: 'internal-error', detail: 'boom' })],
    ['a problem without a known code', async () => json(404, { detail: 'Cannot GET' })],
    ['a 403 (payments not allowed: a wiring fault, not the payer)', async () => json(403, { code: 'forbidden', detail: 'no' })],
    ['a malformed success body', async () => json(200, { payer: PARTIES.payer })],
    ['a refused connection', async () => Promise.reject(new TypeError('fetch failed'))],
  ])('reports identity unavailable on %s', async (_name, answer) => {
    const { directory } = directoryAnswering(answer);
    expect(await directory.resolve(PAYER, { phone: '+919876543210' })).toMatchObject({ ok: false, failure: { kind: 'unavailable' } });
  });

  it('gives up after the timeout', async () => {
    const hanging = ((_url: URL | string | Request, init?: RequestInit) =>
      new Promise<Response>((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason)))) as typeof fetch;
    const { directory } = directoryAnswering(async () => json(200, PARTIES), hanging);
    expect(await directory.resolve(PAYER, { phone: '+919876543210' })).toMatchObject({ ok: false, failure: { kind: 'unavailable', reason: expect.stringContaining('TimeoutError') } });
  });

  describe('lookups asked while calls are out', () => {
    const lookupOf = (n: number) => ({ payerUserId: PAYER, payeePhone: `+91987654321${n}` });

    it('go together in one batch call once a call comes back, each answered with its own result in order', async () => {
      const { held, fetchHeld } = heldAnswers();
      const { directory } = directoryAnswering(async () => json(500, {}), fetchHeld, 1);
      const first = directory.resolve(PAYER, { phone: '+919876543210' });
      await settle();
      const waiting = [1, 2, 3].map((n) => directory.resolve(PAYER, { phone: `+91987654321${n}` }));
      await settle();
      // One call out (the limit): the three wait for it.
      expect(held.map((call) => call.url)).toEqual([`http://identity.test:3001/internal/v1/payment-parties?payerUserId=${PAYER}&payeePhone=%2B919876543210`]);

      held[0].release(json(200, PARTIES));
      expect(await first).toMatchObject({ ok: true });
      await settle();
      expect(held).toHaveLength(2);
      expect(held[1].url).toBe('http://identity.test:3001/internal/v1/payment-party-resolutions');
      expect(held[1].body).toEqual({ items: [lookupOf(1), lookupOf(2), lookupOf(3)] });

      const refusal = { status: 404, code: 'payee-not-found', detail: 'No user is registered with this phone number or address.', resultCode: 'ZH' };
      const limited = { status: 429, code: 'rate-limited', detail: 'Too many payee lookups; retry after 7 seconds.', retryAfterSeconds: 7 };
      held[1].release(json(200, { results: [{ problem: refusal }, { parties: PARTIES }, { problem: limited }] }));
      const [one, two, three] = await Promise.all(waiting);
      expect(one).toEqual({ ok: false, failure: { kind: 'refused', status: 404, code: 'payee-not-found', detail: refusal.detail, resultCode: 'ZH' } });
      expect(two).toEqual({ ok: true, parties: expect.objectContaining({ payee: expect.objectContaining(PARTIES.payee) }) });
      expect(three).toEqual({ ok: false, failure: { kind: 'refused', status: 429, code: 'rate-limited', detail: limited.detail, retryAfterSeconds: 7 } });
    });

    it('are sent at once while fewer calls than the limit are out', async () => {
      const { held, fetchHeld } = heldAnswers();
      const { directory } = directoryAnswering(async () => json(500, {}), fetchHeld, 2);
      void directory.resolve(PAYER, { phone: '+919876543210' });
      void directory.resolve(PAYER, { address: 'asha.k@kirim' });
      await settle();
      expect(held.map((call) => call.url)).toEqual([
        `http://identity.test:3001/internal/v1/payment-parties?payerUserId=${PAYER}&payeePhone=%2B919876543210`,
        `http://identity.test:3001/internal/v1/payment-parties?payerUserId=${PAYER}&payeeAddress=asha.k%40kirim`,
      ]);
    });

    it('are answered unavailable, all of them, when the batch call fails or answers for a different number of lookups', async () => {
      for (const answer of [json(503, { code: 'dependency-unavailable', detail: 'x' }), json(200, { results: [{ parties: PARTIES }] }), json(400, { code: 'validation-failed', detail: 'x' })]) {
        const { held, waiting } = await lookupsWaitingOnOneCall(2);
        held[1].release(answer);
        expect(await Promise.all(waiting)).toEqual([
          { ok: false, failure: { kind: 'unavailable', reason: expect.any(String) } },
          { ok: false, failure: { kind: 'unavailable', reason: expect.any(String) } },
        ]);
      }
    });

    it('treat a problem the single operation would not pass on (a 400 for one lookup) as identity unusable for that lookup only', async () => {
      const { held, waiting } = await lookupsWaitingOnOneCall(2);
      held[1].release(json(200, { results: [{ problem: { status: 400, code: 'validation-failed', detail: 'Give exactly one of payeePhone and payeeAddress.' } }, { parties: PARTIES }] }));
      const [one, two] = await Promise.all(waiting);
      expect(one).toEqual({ ok: false, failure: { kind: 'unavailable', reason: 'identity answered 400' } });
      expect(two.ok).toBe(true);
    });

    it('send at most 64 lookups in one call; the rest go in the next', async () => {
      const { held, waiting } = await lookupsWaitingOnOneCall(70);
      expect((held[1].body as { items: unknown[] }).items).toHaveLength(64);
      held[1].release(json(200, { results: Array.from({ length: 64 }, () => ({ parties: PARTIES })) }));
      expect((await Promise.all(waiting.slice(0, 64))).every((result) => result.ok)).toBe(true);
      await settle();
      expect((held[2].body as { items: unknown[] }).items).toHaveLength(6);
      held[2].release(json(200, { results: Array.from({ length: 6 }, () => ({ parties: PARTIES })) }));
      expect((await Promise.all(waiting.slice(64))).every((result) => result.ok)).toBe(true);
    });

    it('answer a lookup that waited past its timeout at once, unavailable, without sending it', async () => {
      let now = 1_000_000;
      const { held, fetchHeld } = heldAnswers();
      const { directory } = directoryAnswering(async () => json(500, {}), fetchHeld, 1, () => now);
      const first = directory.resolve(PAYER, { phone: '+919876543210' });
      await settle();
      const tooLate = directory.resolve(PAYER, { phone: '+919876543211' });
      now += 2_000;
      const inTime = [directory.resolve(PAYER, { phone: '+919876543212' }), directory.resolve(PAYER, { phone: '+919876543213' })];
      now += 900;
      held[0].release(json(200, PARTIES));
      await first;
      expect(await tooLate).toEqual({ ok: false, failure: { kind: 'unavailable', reason: 'waited past the lookup timeout for a call to identity' } });
      await settle();
      expect(held).toHaveLength(2);
      expect(held[1].body).toEqual({ items: [lookupOf(2), lookupOf(3)] });
      held[1].release(json(200, { results: [{ parties: PARTIES }, { parties: PARTIES }] }));
      expect((await Promise.all(inTime)).map((result) => result.ok)).toEqual([true, true]);
    });

    it('take a problem as the single call would: an unknown code or a null beside it fails or passes that lookup only', async () => {
      const { held, waiting } = await lookupsWaitingOnOneCall(3);
      const selfPayment = { status: 422, code: 'self-payment', detail: 'The payer and the payee are the same user.' };
      held[1].release(
        json(200, {
          results: [{ problem: { status: 404, code: 'payee-on-holiday', detail: 'x', resultCode: 'QQ' } }, { parties: null, problem: selfPayment }, { parties: PARTIES }],
        }),
      );
      const [unknownCode, nullBeside, paid] = await Promise.all(waiting);
      expect(unknownCode).toEqual({ ok: false, failure: { kind: 'unavailable', reason: expect.stringContaining('problem code payments does not know') } });
      expect(nullBeside).toEqual({ ok: false, failure: { kind: 'refused', ...selfPayment } });
      expect(paid.ok).toBe(true);
    });
  });
  describe('trace context', () => {
    const PAYMENT = createContextKey('the asking payment');
    const manager = new AsyncLocalStorageContextManager();
    beforeAll(() => context.setGlobalContextManager(manager.enable()));
    afterAll(() => {
      manager.disable();
      context.disable();
    });

    it("sends a lookup alone in its own payment's context, and a batch in a context of its own, not the payment's that happened to free the call", async () => {
      const seen: Array<{ url: string; payment: unknown }> = [];
      const releases: Array<(response: Response) => void> = [];
      const fetchSeeing = ((url: URL | string | Request) => {
        seen.push({ url: String(url), payment: context.active().getValue(PAYMENT) });
        return new Promise<Response>((release) => releases.push(release));
      }) as typeof fetch;
      const { directory } = directoryAnswering(async () => json(500, {}), fetchSeeing, 1);
      const asking = (payment: string, phone: string) => context.with(context.active().setValue(PAYMENT, payment), () => directory.resolve(PAYER, { phone }));

      const first = asking('first', '+919876543210');
      await settle();
      const waiting = [asking('second', '+919876543211'), asking('third', '+919876543212')];
      await settle();
      releases[0](json(200, PARTIES));
      await first;
      await settle();
      releases[1](json(200, { results: [{ parties: PARTIES }, { parties: PARTIES }] }));
      await Promise.all(waiting);

      expect(seen).toEqual([
        { url: expect.stringContaining('/internal/v1/payment-parties?'), payment: 'first' },
        { url: expect.stringContaining('/internal/v1/payment-party-resolutions'), payment: undefined },
      ]);
    });
  });
});
