import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { PartnerLogger } from '@kirim/partner-kit';
import type { AccountsRepository, AccountView } from '../accounts/accounts.repository';
import { validateMobileQuery, validateOpenAccount } from '../accounts/open-account.request';
import { validateSetUpiPin } from '../upi-pin/set-upi-pin.request';
import type { UpiPins } from '../upi-pin/upi-pins';
import { adminTokenMatches, PARTNER_ADMIN_TOKEN_HEADER } from './admin-token';
import { Problem, ProblemError, problems, sendJson, sendNoContent, sendProblem } from './problem';

export interface Readiness {
  /** Whether the consumer runs and the database answers. */
  check(): Promise<{ ready: boolean; consumer: 'running' | 'stopped'; database: 'up' | 'down' }>;
}

export interface HttpDependencies {
  readonly accounts: AccountsRepository;
  readonly upiPins: UpiPins;
  readonly readiness: Readiness;
  readonly adminToken: string;
  readonly logger: PartnerLogger;
}

const MAX_BODY_BYTES = 16 * 1024;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const UPI_PIN_PATH = /^\/v1\/admin\/accounts\/([^/]+)\/upi-pin$/;

function accountJson(account: AccountView): object {
  return {
    accountRef: account.accountRef,
    maskedAccountNumber: account.maskedAccountNumber,
    holderName: account.holderName,
    balance: account.balance.toDto(),
    openedAt: account.openedAt.toISOString(),
  };
}

async function readJsonBody(request: IncomingMessage): Promise<unknown> {
  if (!(request.headers['content-type'] ?? '').toLowerCase().startsWith('application/json')) throw new ProblemError(problems.unsupportedMediaType());
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new ProblemError(problems.tooLarge(MAX_BODY_BYTES));
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new ProblemError(problems.validation(['the body is not valid JSON']));
  }
}

/**
 * The bank's small HTTP API: `/health` (ready when its consumer runs and its database answers) and,
 * behind `x-partner-admin-token`, opening accounts and reading them by mobile. Request logs carry
 * the method, the path without its query (a mobile may be in it) and the status; never a body.
 */
export function createHttpServer(deps: HttpDependencies): Server {
  const route = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = request.method ?? 'GET';
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const only = (...allowed: string[]): void => {
      if (!allowed.includes(method)) throw new ProblemError(problems.methodNotAllowed(allowed));
    };

    if (path === '/health' || path === '/health/ready' || path === '/health/live') {
      only('GET');
      if (path === '/health/live') return sendJson(response, 200, { status: 'live' });
      const state = await deps.readiness.check();
      return sendJson(response, state.ready ? 200 : 503, { status: state.ready ? 'ready' : 'not-ready', consumer: state.consumer, database: state.database });
    }

    if (path === '/v1/admin/accounts' || path.startsWith('/v1/admin/accounts/')) {
      if (!adminTokenMatches(request.headers[PARTNER_ADMIN_TOKEN_HEADER], deps.adminToken)) throw new ProblemError(problems.unauthenticated(PARTNER_ADMIN_TOKEN_HEADER));
      if (path === '/v1/admin/accounts') {
        only('GET', 'POST');
        if (method === 'POST') {
          const validated = validateOpenAccount(await readJsonBody(request));
          if (!validated.ok) throw new ProblemError(problems.validation(validated.errors));
          const account = await deps.accounts.open(validated.value);
          deps.logger.info('account opened', { accountRef: account.accountRef });
          return sendJson(response, 201, accountJson(account));
        }
        const mobile = validateMobileQuery(url.searchParams.get('mobile'));
        if (!mobile.ok) throw new ProblemError(problems.validation(mobile.errors));
        return sendJson(response, 200, { accounts: (await deps.accounts.byMobile(mobile.value)).map(accountJson) });
      }
      const pinPath = UPI_PIN_PATH.exec(path);
      if (pinPath) {
        only('PUT', 'DELETE');
        const accountRef = pinPath[1];
        if (!UUID.test(accountRef)) throw new ProblemError(problems.validation(['accountRef: must be a UUID']));
        if (method === 'DELETE') {
          const reset = await deps.upiPins.reset(accountRef);
          if (!reset.ok) throw new ProblemError(problems.notFound());
          deps.logger.info('upi pin reset', { accountRef, cleared: reset.cleared });
          return sendNoContent(response);
        }
        const body = validateSetUpiPin(await readJsonBody(request));
        if (!body.ok) throw new ProblemError(problems.validation(body.errors));
        const outcome = await deps.upiPins.set(accountRef, body.value.encryptedPin);
        if (outcome.ok) {
          deps.logger.info('upi pin set', { accountRef, change: outcome.change });
          return sendJson(response, 200, { change: outcome.change });
        }
        if ('kind' in outcome) throw new ProblemError(problems.notFound());
        // The reason says what was wrong with the block, never anything of the PIN.
        deps.logger.info('upi pin refused', { accountRef, resultCode: outcome.resultCode });
        throw new ProblemError(problems.upiPinRejected(outcome.resultCode, outcome.reason));
      }
      only('GET');
      const accountRef = path.slice('/v1/admin/accounts/'.length);
      if (!UUID.test(accountRef)) throw new ProblemError(problems.validation(['accountRef: must be a UUID']));
      const account = await deps.accounts.byRef(accountRef);
      if (!account) throw new ProblemError(problems.notFound());
      return sendJson(response, 200, accountJson(account));
    }
    throw new ProblemError(problems.notFound());
  };

  return createServer((request, response) => {
    const started = performance.now();
    // The route, not the URL: the query may hold a mobile number.
    const path = (request.url ?? '/').split('?')[0].replace(/\/v1\/admin\/accounts\/[^/]+(\/upi-pin)?$/, '/v1/admin/accounts/:accountRef$1');
    route(request, response)
      .catch((error: unknown) => {
        const problem: Problem = error instanceof ProblemError ? error.problem : problems.internal();
        if (!(error instanceof ProblemError)) deps.logger.error('request failed', { method: request.method, path, error: error instanceof Error ? error.message : String(error) });
        if (!response.headersSent) sendProblem(response, problem);
        else response.destroy();
      })
      .finally(() => {
        if (!path.startsWith('/health')) deps.logger.info('http request', { method: request.method, path, status: response.statusCode, ms: Math.round(performance.now() - started) });
      });
  });
}
