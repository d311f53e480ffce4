import { randomUUID } from 'node:crypto';
import { uniquePhone } from '@kirim/testing';
import { Api, expectStatus, HttpResult, Party, Problem, Session } from './support/api';
import { freshParty, PROBLEM_CONTENT_TYPE } from './support/parties';

/*
 * Payment addresses and payee names (docs/payment-addresses.md), through the edge as a client sees
 * them: resolving by phone and by address shows the bank-registered name masked and never an account;
 * custom addresses follow the rules; paying by address works; scanning unknown numbers is stopped
 * with 429 and Retry-After; payments made at the same moment, whose lookups payments may send to
 * identity together, each get their own payee's answer.
 */

interface PaymentAddressView {
  readonly addressId: string;
  readonly address: string;
  readonly isPrimary: boolean;
  readonly isDefault: boolean;
}

interface ResolvedPayee {
  readonly address: string | null;
  readonly name: string | null;
  readonly bankName: string | null;
}

const api = new Api();

const resolvePayee = (session: Session, query: string): Promise<HttpResult<ResolvedPayee | Problem>> =>
  api.request<ResolvedPayee | Problem>('GET', `/v1/payees?${query}`, { token: session.accessToken });

const myAddresses = async (session: Session): Promise<PaymentAddressView[]> =>
  expectStatus<PaymentAddressView[]>(await api.request('GET', '/v1/me/payment-addresses', { token: session.accessToken }), 200).body;

const addAddress = (session: Session, handle: string): Promise<HttpResult<PaymentAddressView | Problem>> =>
  api.request<PaymentAddressView | Problem>('POST', '/v1/me/payment-addresses', { token: session.accessToken, body: { handle } });

/** The masking rule of docs/payment-addresses.md, applied to the holder name the sandbox account was opened with. */
const masked = (name: string): string =>
  name
    .split(/\s+/)
    .map((word, index) => (index === 0 ? word : `${word[0]}${'*'.repeat(word.length - 1)}`))
    .join(' ');

describe('payees and payment addresses (e2e)', () => {
  let asha: Party;
  let ravi: Party;
  /** A handle unique to this run, lowercase letters only (no digit look-alikes of other runs' handles). */
  const suffix = randomUUID().replace(/[^a-f]/g, '').slice(0, 8).padEnd(8, 'x');
  const raviHandle = `ravi.${suffix}`;

  beforeAll(async () => {
    asha = await freshParty(api, 'asha', 'SBXA', '1000.00');
    ravi = await freshParty(api, 'ravi', 'SBXB', '10.00');
  });

  it("resolves by phone to the payee's primary address, masked bank-registered name and bank, and no account", async () => {
    const result = expectStatus<ResolvedPayee>(await resolvePayee(asha, `phone=${encodeURIComponent(ravi.phone)}`), 200);

    const primary = (await myAddresses(ravi)).find((address) => address.isPrimary);
    expect(result.body).toEqual({ address: primary?.address ?? null, name: masked(ravi.displayName), bankName: 'Sandbox Bank B' });
    expect(result.body.name).not.toBe(ravi.displayName);
    expect(result.text).not.toContain(ravi.accountRef);
    expect(result.text).not.toContain(ravi.maskedAccountNumber);
    expect(result.text).not.toContain(ravi.phone);
  });

  it('gives a new user a default address from the national number, primary', async () => {
    expect(await myAddresses(ravi)).toEqual([expect.objectContaining({ address: `${ravi.phone.slice(3)}@kirim`, isPrimary: true, isDefault: true })]);
  });

  it('checks custom addresses: added once, idempotent for the owner, taken, confusable, reserved, invalid', async () => {
    expect(expectStatus<PaymentAddressView>(await addAddress(ravi, raviHandle), 201).body).toMatchObject({ address: `${raviHandle}@kirim`, isDefault: false });
    expect(expectStatus<PaymentAddressView>(await addAddress(ravi, raviHandle.toUpperCase()), 200).body.address).toBe(`${raviHandle}@kirim`);

    const refusals: [string, number, string][] = [
      [raviHandle, 409, 'payment-address-taken'],
      [raviHandle.replace('ravi', 'rav1'), 409, 'payment-address-confusable'],
      [raviHandle.replace('.', '_'), 409, 'payment-address-confusable'],
      ['supp0rt', 422, 'payment-address-reserved'],
      [`kirim.${suffix}`, 422, 'payment-address-reserved'],
      ['ab', 422, 'payment-address-invalid'],
      [`as..${suffix}`, 422, 'payment-address-invalid'],
      [`аsha${suffix}`, 422, 'payment-address-invalid'],
    ];
    for (const [handle, status, code] of refusals) {
      const result = await addAddress(asha, handle);
      expect([handle, result.status, (result.body as Problem).code]).toEqual([handle, status, code]);
      expect(result.contentType).toMatch(PROBLEM_CONTENT_TYPE);
    }
  });

  it('resolves by address to that address and the masked name', async () => {
    await addAddress(ravi, raviHandle);
    const result = expectStatus<ResolvedPayee>(await resolvePayee(asha, `address=${encodeURIComponent(`${raviHandle.toUpperCase()}@kirim`)}`), 200);
    expect(result.body).toEqual({ address: `${raviHandle}@kirim`, name: masked(ravi.displayName), bankName: 'Sandbox Bank B' });
  });

  it('makes a custom address primary, and refuses to remove the primary one', async () => {
    await addAddress(ravi, raviHandle);
    const custom = (await myAddresses(ravi)).find((address) => address.address === `${raviHandle}@kirim`);
    if (!custom) throw new Error('the custom address is missing');

    expect(expectStatus<PaymentAddressView>(await api.request('POST', `/v1/me/payment-addresses/${custom.addressId}/primary`, { token: ravi.accessToken }), 200).body.isPrimary).toBe(true);
    const removePrimary = await api.request<Problem>('DELETE', `/v1/me/payment-addresses/${custom.addressId}`, { token: ravi.accessToken });
    expect([removePrimary.status, removePrimary.body.code]).toEqual([409, 'payment-address-primary']);
    expect((await myAddresses(ravi)).filter((address) => address.isPrimary).map((address) => address.address)).toEqual([`${raviHandle}@kirim`]);
    // Another user's address id is as good as unknown.
    expect((await api.request('DELETE', `/v1/me/payment-addresses/${custom.addressId}`, { token: asha.accessToken })).status).toBe(404);
  });

  it('pays by address', async () => {
    await addAddress(ravi, raviHandle);
    const accepted = expectStatus<{ paymentId: string; payee: { userId: string } }>(await api.pay(asha, { payeeAddress: `${raviHandle}@kirim`, amount: '1.00' }), 202).body;
    expect(accepted.payee.userId).toBe(ravi.userId);
    expect((await api.waitUntilFinal(asha, accepted.paymentId)).status).toBe('completed');
  });

  it('answers payments sent at the same moment each with its own payee: paid, unknown, or the payer themself', async () => {
    await addAddress(ravi, raviHandle);
    const payers = await Promise.all(['meera', 'kabir', 'tara'].map((name) => freshParty(api, name, 'SBXA', '50.00')));
    const raviBefore = await api.balanceOf(ravi);
    const payersBefore = await Promise.all(payers.map((payer) => api.balanceOf(payer)));
    const asked = payers.flatMap((payer) => [
      { payer, request: { payeePhone: ravi.phone, amount: '1.00' }, expected: 202 },
      { payer, request: { payeeAddress: `${raviHandle}@kirim`, amount: '2.00' }, expected: 202 },
      { payer, request: { payeePhone: uniquePhone(), amount: '3.00' }, expected: 404 },
      { payer, request: { payeePhone: payer.phone, amount: '4.00' }, expected: 422 },
    ]);

    // All at once, so that lookups wait on payments' calls to identity and go to it together.
    const answers = await Promise.all(asked.map(({ payer, request }) => api.pay(payer, request)));

    expect(answers.map((answer) => answer.status)).toEqual(asked.map(({ expected }) => expected));
    for (const [index, answer] of answers.entries()) {
      if (answer.status === 202) expect((answer.body as { payee: { userId: string } }).payee.userId).toBe(ravi.userId);
      if (answer.status === 404) expect([(answer.body as Problem).code, (answer.body as Problem).resultCode]).toEqual(['payee-not-found', 'ZH']);
      if (answer.status === 422) expect((answer.body as Problem).code).toBe('self-payment');
      expect([index, answer.status === 202 || answer.contentType.startsWith('application/problem+json')]).toEqual([index, true]);
    }
    const accepted = answers.flatMap((answer, index) => (answer.status === 202 ? [{ payer: asked[index].payer, paymentId: (answer.body as { paymentId: string }).paymentId }] : []));
    for (const { payer, paymentId } of accepted) expect((await api.waitUntilFinal(payer, paymentId)).status).toBe('completed');
    // Each payer paid exactly its two accepted payments; ravi received all six; nothing else moved.
    for (const [index, payer] of payers.entries()) expect(payersBefore[index] - (await api.balanceOf(payer))).toBe(300n);
    expect((await api.balanceOf(ravi)) - raviBefore).toBe(900n);
  });

  it.each([
    ['both', `phone=%2B919800000001&address=x%40kirim`],
    ['neither', ''],
  ])('answers 400 for %s of phone and address', async (_label, query) => {
    const result = await resolvePayee(asha, query);
    expect([result.status, (result.body as Problem).code]).toEqual([400, 'validation-failed']);
  });

  it('answers unknown payees 404 ZH, and a scan of unknown numbers 429 with Retry-After', async () => {
    const scanner = await freshParty(api, 'scanner', 'SBXA', '0.00');
    const answers: HttpResult<ResolvedPayee | Problem>[] = [];
    for (let i = 0; i < 6; i += 1) answers.push(await resolvePayee(scanner, `phone=${encodeURIComponent(uniquePhone())}`));

    expect(answers.slice(0, 5).map((answer) => [answer.status, (answer.body as Problem).code, (answer.body as Problem).resultCode])).toEqual(
      Array.from({ length: 5 }, () => [404, 'payee-not-found', 'ZH']),
    );
    const refused = answers[5];
    expect([refused.status, (refused.body as Problem).code]).toEqual([429, 'rate-limited']);
    expect(refused.contentType).toMatch(PROBLEM_CONTENT_TYPE);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 600).toBe(true);
    // The bucket is empty for a known payee too: the scanner learns nothing more.
    expect((await resolvePayee(scanner, `phone=${encodeURIComponent(ravi.phone)}`)).status).toBe(429);
    // Another user's bucket is their own.
    expect((await resolvePayee(asha, `phone=${encodeURIComponent(ravi.phone)}`)).status).toBe(200);
  });
});
