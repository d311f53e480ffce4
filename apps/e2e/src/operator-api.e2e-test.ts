import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from '@kirim/testing';
import { Api, HttpResult } from './support/api';
import { kirimHome } from './support/config';
import { serviceUrl } from './support/openapi';
import { freshParty, PROBLEM_CONTENT_TYPE } from './support/parties';

/*
 * The operator API against the running stack (docs/operations.md): on payments' own port only, never
 * through the edge; only an operator key opens it (scripts/stack.sh gives payments the digest of
 * .local/keys/operator.key as `local-operator`), never a user token or a service token; and a
 * reconciliation run started by the operator finds a payment that just completed in agreement with
 * bank-connector's real sandbox ledger, asked with payments' own service token.
 */

const api = new Api();
const RUNS = '/internal/v1/operator/reconciliation/runs';

function fileUnderKeys(...path: string[]): string {
  const file = join(kirimHome(), 'keys', ...path);
  if (!existsSync(file)) throw new Error(`${file} is missing: start the stack with scripts/stack.sh up`);
  return readFileSync(file, 'utf8').trim();
}

function asOperator(method: string, path: string, authorization: string | null = `Bearer ${fileUnderKeys('operator.key')}`, body?: object): Promise<HttpResult<Record<string, unknown>>> {
  return api.request<Record<string, unknown>>(method, path, { baseUrl: serviceUrl('payments'), ...(authorization !== null ? { headers: { authorization } } : {}), ...(body !== undefined ? { body } : {}) });
}

describe('the operator API (e2e, running stack)', () => {
  let userToken: string;
  let serviceToken: string;

  beforeAll(async () => {
    userToken = (await freshParty(api, 'operator api user', 'SBXA', '10.00')).accessToken;
    // payments' own token for bank-connector: a valid service token, but not an operator's key.
    const issued = await api.request<{ accessToken: string }>('POST', '/internal/v1/service-tokens', {
      baseUrl: serviceUrl('identity'),
      body: { clientId: 'payments', clientSecret: fileUnderKeys('services', 'payments.secret'), audience: 'bank-connector' },
    });
    expect(issued.status).toBe(200);
    serviceToken = issued.body.accessToken;
  }, 60_000);

  it('is not on the public edge, even with the operator key', async () => {
    for (const path of [`${RUNS}/latest`, '/internal/v1/operator/dead-letters', '/v1/internal/v1/operator/dead-letters']) {
      const result = await api.request('GET', path, { headers: { authorization: `Bearer ${fileUnderKeys('operator.key')}` } });
      expect({ path, status: result.status }).toEqual({ path, status: 404 });
    }
  });

  it.each([
    ['no key', () => null],
    ['a wrong key', () => `Bearer kop_${'A'.repeat(43)}`],
    ["a user's token", () => `Bearer ${userToken}`],
    ["payments' own service token", () => `Bearer ${serviceToken}`],
  ])('refuses %s with 401 problem+json and starts nothing', async (_label, authorization) => {
    const before = await asOperator('GET', `${RUNS}/latest`);
    for (const [method, path] of [
      ['POST', RUNS],
      ['GET', `${RUNS}/latest`],
      ['GET', '/internal/v1/operator/dead-letters'],
      ['GET', '/internal/v1/operator/payments/needing-operator'],
    ]) {
      const refused = await asOperator(method, path, authorization());
      expect({ path, status: refused.status, code: refused.body.code }).toEqual({ path, status: 401, code: 'unauthenticated' });
      expect(refused.contentType).toMatch(PROBLEM_CONTENT_TYPE);
    }
    // No run was started by any of them.
    expect((await asOperator('GET', `${RUNS}/latest`)).body).toEqual(before.body);
  });

  it("reconciles a payment that just completed with bank-connector's real ledger: every leg agrees", async () => {
    const payer = await freshParty(api, 'operator api payer', 'SBXA', '100.00');
    const payee = await freshParty(api, 'operator api payee', 'SBXB', '0.00');
    const payment = await api.payAccepted(payer, { payeePhone: payee.phone, amount: '12.34' });
    expect((await api.waitUntilFinal(payer, payment.paymentId)).status).toBe('completed');

    // graceSeconds 0: judge payments up to now, ours included. A scheduled run in progress answers 409 until it ends.
    let run = await asOperator('POST', RUNS, undefined, { graceSeconds: 0 });
    await eventually(async () => {
      if (run.status === 409) run = await asOperator('POST', RUNS, undefined, { graceSeconds: 0 });
      expect(run.status).toBe(201);
    });
    expect(run.body).toMatchObject({ status: 'completed', trigger: 'operator', requestedBy: 'local-operator', failureReason: null });
    // Our payment's debit and credit at least were asked about, through payments' own service token.
    expect(Number(run.body.legsChecked)).toBeGreaterThanOrEqual(2);
    expect((await asOperator('GET', `${RUNS}/${String(run.body.runId)}`)).body).toEqual(run.body);

    // Other tests' payments may be mid-flight; ours must agree with the ledger.
    const ours: unknown[] = [];
    let after: string | null = null;
    do {
      const page: HttpResult<Record<string, unknown>> = await asOperator('GET', `${RUNS}/${String(run.body.runId)}/mismatches?limit=200${after ? `&after=${after}` : ''}`);
      expect(page.status).toBe(200);
      const { mismatches, nextCursor } = page.body as { mismatches: { paymentId: string }[]; nextCursor: string | null };
      ours.push(...mismatches.filter((mismatch) => mismatch.paymentId === payment.paymentId));
      after = nextCursor;
    } while (after !== null);
    expect(ours).toEqual([]);
  }, 60_000);
});
