import { Inject, Injectable, Logger } from '@nestjs/common';
import { plainToInstance, Type } from 'class-transformer';
import { IsDefined, IsString, IsUUID, Matches, MaxLength, ValidateNested, validateSync } from 'class-validator';
import { ALL_RESULT_CODES, BANK_CODE_PATTERN, describeValidationErrors, PROBLEM_CODES, ProblemCode, ResultCode } from '@kirim/contracts';
import { PartyDirectory, PartyLookupResult } from './party-directory';

/** Identity must answer within this; the payer is waiting on the HTTP request. */
export const PARTY_LOOKUP_TIMEOUT_MS = 3_000;

export const PARTY_DIRECTORY_OPTIONS = Symbol('PARTY_DIRECTORY_OPTIONS');
export interface HttpPartyDirectoryOptions {
  /** Base URL of identity, e.g. http://localhost:3001 */
  readonly identityUrl: string;
  readonly timeoutMs?: number;
  /** Injected for tests; defaults to the global fetch. */
  readonly fetch?: typeof fetch;
}

class PayerPartyBody {
  @IsUUID()
  userId!: string;

  @Matches(BANK_CODE_PATTERN)
  bankCode!: string;

  @IsUUID()
  accountRef!: string;
}

class PayeePartyBody extends PayerPartyBody {
  @IsString()
  @MaxLength(100)
  displayName!: string;
}

/** identity's `GET /v1/payment-parties` answer, validated: we store and forward these values. */
class PaymentPartiesBody {
  // ValidateNested alone lets a missing object through.
  @IsDefined()
  @ValidateNested()
  @Type(() => PayerPartyBody)
  payer!: PayerPartyBody;

  // ValidateNested alone lets a missing object through.
  @IsDefined()
  @ValidateNested()
  @Type(() => PayeePartyBody)
  payee!: PayeePartyBody;
}

/** identity's problems that mean "this payment cannot be made" rather than "identity is broken". */
const PASSED_ON_STATUSES = new Set([401, 404, 422]);

@Injectable()
export class HttpPartyDirectory extends PartyDirectory {
  private readonly logger = new Logger(HttpPartyDirectory.name);

  constructor(@Inject(PARTY_DIRECTORY_OPTIONS) private readonly options: HttpPartyDirectoryOptions) {
    super();
  }

  async resolve(payeePhone: string, bearerToken: string): Promise<PartyLookupResult> {
    const url = new URL('/v1/payment-parties', this.options.identityUrl);
    url.searchParams.set('payeePhone', payeePhone);
    const doFetch = this.options.fetch ?? fetch;

    let response: Response;
    let body: unknown;
    try {
      response = await doFetch(url, {
        headers: { authorization: `Bearer ${bearerToken}`, accept: 'application/json' },
        signal: AbortSignal.timeout(this.options.timeoutMs ?? PARTY_LOOKUP_TIMEOUT_MS),
      });
      body = await response.json().catch(() => undefined);
    } catch (error: unknown) {
      // The URL carries the payee's phone number: log only the error's kind.
      const reason = errorName(error);
      this.logger.warn({ reason }, 'identity unreachable for payment-parties');
      return { ok: false, failure: { kind: 'unavailable', reason } };
    }

    if (response.ok) {
      const parsed = readParties(body);
      if (parsed.ok) return { ok: true, parties: parsed.value };
      this.logger.error({ errors: parsed.errors }, 'identity answered payment-parties with an unexpected body');
      return { ok: false, failure: { kind: 'unavailable', reason: 'unexpected response body' } };
    }
    if (PASSED_ON_STATUSES.has(response.status)) {
      const problem = readProblem(body);
      if (problem) return { ok: false, failure: { kind: 'refused', status: response.status, ...problem } };
    }
    this.logger.warn({ status: response.status }, 'identity failed payment-parties');
    return { ok: false, failure: { kind: 'unavailable', reason: `identity answered ${response.status}` } };
  }
}

/** TimeoutError, AbortError, TypeError ('fetch failed'): not `instanceof Error`, as DOMException may come from another realm. */
function errorName(error: unknown): string {
  const name = typeof error === 'object' && error !== null ? (error as { name?: unknown }).name : undefined;
  return typeof name === 'string' ? name : 'unknown error';
}

/** Unknown extra fields are dropped, not refused: identity may add to its answer without breaking us. */
function readParties(body: unknown): { ok: true; value: PaymentPartiesBody } | { ok: false; errors: string[] } {
  if (typeof body !== 'object' || body === null) return { ok: false, errors: ['body is not a JSON object'] };
  const instance = plainToInstance(PaymentPartiesBody, body);
  const errors = validateSync(instance, { whitelist: true });
  return errors.length === 0 ? { ok: true, value: instance } : { ok: false, errors: describeValidationErrors(errors) };
}

function readProblem(body: unknown): { code: ProblemCode; detail: string; resultCode?: ResultCode } | null {
  if (typeof body !== 'object' || body === null) return null;
  const { code, detail, resultCode } = body as Record<string, unknown>;
  const knownCode = Object.values(PROBLEM_CODES).find((known) => known === code);
  if (!knownCode) return null;
  const knownResult = ALL_RESULT_CODES.find((known) => known === resultCode);
  return {
    code: knownCode,
    detail: typeof detail === 'string' ? detail : 'The payment parties could not be resolved.',
    ...(knownResult ? { resultCode: knownResult } : {}),
  };
}
