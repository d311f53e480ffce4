import fc from 'fast-check';
import { isCataloguedProblem } from '@kirim/contracts';
import { Api, Party } from './support/api';
import { edgeUrl, sandboxAdminToken } from './support/config';
import { freshParty, PROBLEM_CONTENT_TYPE } from './support/parties';
import {
  fetchPublicDocument,
  fetchServiceDocument,
  OpenApiDocument,
  Operation,
  operationsOf,
  ParameterObject,
  SchemaObject,
  Service,
  serviceUrl,
  SERVICES,
} from './support/openapi';

/**
 * Property-based fuzzing of every documented operation (fast-check): requests shaped after the
 * served OpenAPI documents, valid and hostile (wrong types, oversized and control-character
 * strings, repeated query parameters, missing or garbage credentials, huge bodies, bad JSON).
 * Whatever is sent, the answer is never a 5xx, and every 4xx is application/problem+json with a
 * code the problem catalogue gives that status. Public operations are sent through the edge;
 * the others (service-to-service questions) to the service itself.
 *
 * Fixed seed and bounded runs: the same requests every time, about a minute in all.
 */
const SEED = 20_261_206;
const RUNS_PER_OPERATION = Number(process.env.FUZZ_RUNS_PER_OPERATION ?? 40);
/** Over every service's body limit (64 KiB by default). */
const HUGE = 70 * 1024;

interface FuzzRequest {
  readonly method: string;
  readonly path: string;
  readonly query: [string, string][];
  readonly headers: Record<string, string>;
  readonly body?: string;
  readonly label: string;
}

// --- values --------------------------------------------------------------------------------------

const CONTROL = fc.constantFrom('\u0000', '\u0001', '\n', '\t', '\u001b', '\u007f', '\u0085', '\u009f');

/** Strings an attacker sends: control characters, long text, other scripts, quotes and escapes. */
const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(fc.string({ maxLength: 8 }), CONTROL, fc.string({ maxLength: 8 })).map(([a, c, b]) => `${a}${c}${b}`),
  fc.string({ minLength: 256, maxLength: 4096 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom('', ' ', '..', '%00', '\\u0000', "' OR 1=1 --", '{{7*7}}', '${jndi:x}', '+919999999999', '-1', '1e309', 'null', '🙏', 'a'.repeat(20_000)),
);

/** Any JSON value: for wrong types where a string, number or object is expected. */
const anyJson: fc.Arbitrary<unknown> = fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constant(null), fc.integer(), fc.boolean(), fc.array(fc.string(), { maxLength: 3 }));

function resolve(schema: SchemaObject | undefined, document: OpenApiDocument): SchemaObject {
  let current = schema ?? {};
  for (let hops = 0; current.$ref && hops < 20; hops += 1) {
    current = document.components?.schemas?.[current.$ref.replace('#/components/schemas/', '')] ?? {};
  }
  return current;
}

/** A value of the schema's shape (what a well-behaved client would send), sometimes with a hostile leaf. */
function valueOf(schema: SchemaObject | undefined, document: OpenApiDocument, hostile: boolean, depth = 0): fc.Arbitrary<unknown> {
  const s = resolve(schema, document);
  if (s.allOf?.length) return valueOf(s.allOf[0], document, hostile, depth + 1);
  if (s.oneOf?.length || s.anyOf?.length) return fc.oneof(...(s.oneOf ?? s.anyOf ?? []).map((option) => valueOf(option, document, hostile, depth + 1)));
  const leaf = (valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> => (hostile ? fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: hostileString }, { weight: 1, arbitrary: anyJson }) : valid);
  if (s.enum?.length) return leaf(fc.constantFrom(...s.enum));
  if (s.example !== undefined && depth > 0) return leaf(fc.oneof(fc.constant(s.example), fc.string({ maxLength: 20 })));
  switch (s.type) {
    case 'object': {
      if (depth > 4) return fc.constant({});
      const properties = Object.entries(s.properties ?? {});
      const required = new Set(s.required ?? []);
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [name, property] of properties) record[name] = valueOf(property, document, hostile, depth + 1);
      const shaped = fc.record(record, { requiredKeys: properties.map(([name]) => name).filter((name) => required.has(name) || !hostile) });
      return hostile ? fc.oneof({ weight: 4, arbitrary: shaped }, { weight: 1, arbitrary: shaped.map((value) => ({ ...(value as object), unexpected: 'field' })) }) : shaped;
    }
    case 'array':
      return leaf(fc.array(valueOf(s.items, document, hostile, depth + 1), { maxLength: 3 }));
    case 'integer':
      return leaf(fc.integer({ min: s.minimum ?? -1000, max: s.maximum ?? 1000 }));
    case 'number':
      return leaf(fc.double({ noNaN: true, min: s.minimum ?? -1e6, max: s.maximum ?? 1e6 }));
    case 'boolean':
      return leaf(fc.boolean());
    case 'string':
    case undefined:
    default:
      if (s.format === 'uuid') return leaf(fc.uuid());
      if (s.format === 'date-time') return leaf(fc.date({ noInvalidDate: true }).map((date) => date.toISOString()));
      return leaf(fc.string({ minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 40, 64) }));
  }
}

/** A path, query or header parameter's value as text. */
function parameterText(parameter: ParameterObject, document: OpenApiDocument, hostile: boolean): fc.Arbitrary<string> {
  return valueOf(parameter.schema, document, hostile).map((value) => (typeof value === 'string' ? value : JSON.stringify(value) ?? ''));
}

/** Header values must be ByteStrings without CR/LF or NUL, or fetch refuses to send them. */
const headerSafe = (value: string): string => value.replace(/[^\x20-\x7e]/g, '').slice(0, 4096);

// --- requests ------------------------------------------------------------------------------------

type Credential = 'valid' | 'none' | 'garbage' | 'not-bearer' | 'expired-looking';

function authorizationFor(credential: Credential, token: string): Record<string, string> {
  switch (credential) {
    case 'valid':
      return { authorization: `Bearer ${token}` };
    case 'none':
      return {};
    case 'garbage':
      return { authorization: 'Bearer not.a.jwt' };
    case 'not-bearer':
      return { authorization: `Basic ${Buffer.from('user:pass').toString('base64')}` };
    case 'expired-looking':
      // A well-formed JWT signed by nobody we trust (HS256, exp in the past).
      return { authorization: 'Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ4IiwiZXhwIjoxfQ.c2lnbmF0dXJl' };
  }
}

type BodyMode = 'shaped' | 'hostile-shaped' | 'wrong-type' | 'bad-json' | 'huge' | 'text-plain' | 'none';

function requestFor(entry: Operation, document: OpenApiDocument, credentials: { bearer: string; sandbox: string }): fc.Arbitrary<FuzzRequest> {
  const parameters = entry.operation.parameters ?? [];
  const pathParameters = parameters.filter((p) => p.in === 'path');
  const queryParameters = parameters.filter((p) => p.in === 'query');
  const headerParameters = parameters.filter((p) => p.in === 'header');
  const bodySchema = entry.operation.requestBody?.content?.['application/json']?.schema;
  const schemes = (entry.operation.security ?? []).flatMap((requirement) => Object.keys(requirement));

  const hostile = fc.boolean();
  return hostile.chain((isHostile) =>
    fc.record({
      pathValues: fc.tuple(...pathParameters.map((p) => parameterText(p, document, isHostile))),
      queryValues: fc.tuple(...queryParameters.map((p) => fc.option(parameterText(p, document, isHostile), { nil: undefined, freq: 4 }))),
      repeat: isHostile && queryParameters.length > 0 ? fc.option(fc.constantFrom(...queryParameters.map((p) => p.name)), { nil: undefined }) : fc.constant(undefined),
      headerValues: fc.tuple(...headerParameters.map((p) => fc.option(parameterText(p, document, isHostile), { nil: undefined, freq: 4 }))),
      credential: fc.constantFrom<Credential>(...(isHostile ? (['valid', 'none', 'garbage', 'not-bearer', 'expired-looking'] as const) : (['valid'] as const))),
      bodyMode: bodySchema
        ? fc.constantFrom<BodyMode>(...(isHostile ? (['hostile-shaped', 'wrong-type', 'bad-json', 'huge', 'text-plain', 'none'] as const) : (['shaped'] as const)))
        : fc.constant<BodyMode>('none'),
      shapedBody: bodySchema ? valueOf(bodySchema, document, isHostile) : fc.constant(undefined),
      wrongBody: anyJson,
      badJson: fc.constantFrom('{', '{"a":}', '[1,2', '{"amount": {"value": "1.00", }', 'undefined', "{'single':'quotes'}", '\u0000'),
    }).map((parts): FuzzRequest => {
      let path = entry.path;
      pathParameters.forEach((p, i) => {
        path = path.replace(`{${p.name}}`, encodeURIComponent(parts.pathValues[i] as string));
      });
      const query: [string, string][] = [];
      queryParameters.forEach((p, i) => {
        const value = parts.queryValues[i] as string | undefined;
        if (value !== undefined) query.push([p.name, value]);
      });
      if (parts.repeat) query.push([parts.repeat, 'again'], [parts.repeat, 'and again']);
      const headers: Record<string, string> = { accept: 'application/json, application/problem+json' };
      headerParameters.forEach((p, i) => {
        const value = parts.headerValues[i] as string | undefined;
        if (value !== undefined) headers[p.name.toLowerCase()] = headerSafe(value);
      });
      if (schemes.includes('bearer')) Object.assign(headers, authorizationFor(parts.credential, credentials.bearer));
      const apiKey = schemes.find((name) => name !== 'bearer');
      if (apiKey && (parts.credential === 'valid' || parts.credential === 'garbage')) headers['x-sandbox-admin-token'] = parts.credential === 'valid' ? credentials.sandbox : 'wrong';
      let body: string | undefined;
      switch (parts.bodyMode) {
        case 'shaped':
        case 'hostile-shaped':
          body = JSON.stringify(parts.shapedBody);
          headers['content-type'] = 'application/json';
          break;
        case 'wrong-type':
          body = JSON.stringify(parts.wrongBody) ?? 'null';
          headers['content-type'] = 'application/json';
          break;
        case 'bad-json':
          body = parts.badJson;
          headers['content-type'] = 'application/json';
          break;
        case 'huge':
          body = JSON.stringify({ ...(typeof parts.shapedBody === 'object' && parts.shapedBody !== null ? parts.shapedBody : {}), padding: 'x'.repeat(HUGE) });
          headers['content-type'] = 'application/json';
          break;
        case 'text-plain':
          body = 'amount=1.00';
          headers['content-type'] = 'text/plain';
          break;
        case 'none':
          break;
      }
      return {
        method: entry.method.toUpperCase(),
        path,
        query,
        headers,
        body,
        label: `${isHostile ? 'hostile' : 'shaped'}, credential ${parts.credential}, body ${parts.bodyMode}${parts.repeat ? `, ${parts.repeat} repeated` : ''}`,
      };
    }),
  );
}

// --- the property ----------------------------------------------------------------------------------

interface Answer {
  status: number;
  contentType: string;
  text: string;
}

async function send(baseUrl: string, request: FuzzRequest): Promise<Answer> {
  const search = new URLSearchParams(request.query).toString();
  const response = await fetch(`${baseUrl}${request.path}${search ? `?${search}` : ''}`, { method: request.method, headers: request.headers, body: request.body });
  return { status: response.status, contentType: response.headers.get('content-type') ?? '', text: await response.text() };
}

/** What is wrong with an answer, or null: never 5xx; a 4xx is problem+json with a catalogued (code, status). */
function fault(answer: Answer): string | null {
  if (answer.status >= 500) return `answered ${answer.status}: ${answer.text.slice(0, 300)}`;
  if (answer.status < 400) return null;
  if (!PROBLEM_CONTENT_TYPE.test(answer.contentType)) return `answered ${answer.status} as ${answer.contentType || 'no content type'}: ${answer.text.slice(0, 200)}`;
  let code: unknown;
  try {
    code = (JSON.parse(answer.text) as { code?: unknown }).code;
  } catch {
    return `answered ${answer.status} problem+json that is not JSON`;
  }
  if (typeof code !== 'string' || !isCataloguedProblem(code, answer.status)) return `answered ${answer.status} with code ${String(code)}, which the catalogue does not give that status`;
  return null;
}

async function fuzz(entries: { entry: Operation; document: OpenApiDocument; baseUrl: string }[], credentials: { bearer: string; sandbox: string }): Promise<string[]> {
  const failures: string[] = [];
  for (const { entry, document, baseUrl } of entries) {
    const name = `${entry.method.toUpperCase()} ${entry.path}`;
    const details = await fc.check(
      fc.asyncProperty(requestFor(entry, document, credentials), async (request) => {
        const problem = fault(await send(baseUrl, request));
        if (problem !== null) throw new Error(`${request.label}: ${problem}`);
      }),
      { seed: SEED, numRuns: RUNS_PER_OPERATION, endOnFailure: true },
    );
    if (details.failed) {
      const example = details.counterexample?.[0] as FuzzRequest | undefined;
      failures.push(
        `${name}: ${details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance)}` +
          (example ? ` (query ${JSON.stringify(example.query).slice(0, 200)}, body ${(example.body ?? '').slice(0, 200)})` : ''),
      );
    }
  }
  return failures;
}

describe('fuzzing every documented operation', () => {
  const api = new Api();
  let party: Party;
  let publicDocument: OpenApiDocument;
  const serviceDocuments = new Map<Service, OpenApiDocument>();

  beforeAll(async () => {
    party = await freshParty(api, 'fuzz', 'SBXA', '1000.00');
    publicDocument = await fetchPublicDocument();
    for (const service of SERVICES) serviceDocuments.set(service, await fetchServiceDocument(service));
  }, 60_000);

  const credentials = () => ({ bearer: party.accessToken, sandbox: sandboxAdminToken() });

  it('the public API (through the edge) never answers 5xx, and every 4xx is a catalogued problem', async () => {
    const entries = operationsOf(publicDocument).map((entry) => ({ entry, document: publicDocument, baseUrl: edgeUrl() }));
    expect(entries.length).toBeGreaterThan(3);
    expect(await fuzz(entries, credentials())).toEqual([]);
  }, 180_000);

  it("the services' other operations (asked service to service) never answer 5xx either", async () => {
    const publicOperations = new Set(operationsOf(publicDocument).map(({ method, path }) => `${method} ${path}`));
    const entries = SERVICES.flatMap((service) => {
      const document = serviceDocuments.get(service) as OpenApiDocument;
      return operationsOf(document)
        .filter(({ method, path }) => !publicOperations.has(`${method} ${path}`))
        .map((entry) => ({ entry, document, baseUrl: serviceUrl(service) }));
    });
    expect(await fuzz(entries, credentials())).toEqual([]);
  }, 180_000);
});
