import type { ProblemCode } from '@kirim/contracts';
import { routeFor, SERVICE_NAMES, ServiceName } from './edge-routes';

/**
 * The public API as one OpenAPI document (served at /docs/openapi.json): every operation of the
 * services' own documents whose path the edge routes to that service, nothing else. Internal
 * questions between services (payment-parties, bank-accounts) are not routed, so not listed.
 * Pure, so it is unit-tested without sockets; the edge fetches the inputs (edge-server.ts).
 */

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

export interface OpenApiDocumentLike {
  openapi: string;
  info: JsonObject;
  paths: Record<string, JsonObject>;
  components?: { schemas?: Record<string, Json>; securitySchemes?: Record<string, Json>; [key: string]: Json | undefined };
  tags?: { name: string; description?: string }[];
  [key: string]: unknown;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const SCHEMA_REF_PREFIX = '#/components/schemas/';
const PROBLEM_SCHEMA = 'ProblemDetailsSchema';
const PROBLEM_CONTENT_TYPE = 'application/problem+json';
// Type-only import (edge-server.ts does the same): checked against the contract at compile time.
const RATE_LIMITED: ProblemCode = 'rate-limited';
const DEPENDENCY_UNAVAILABLE: ProblemCode = 'dependency-unavailable';

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Every `#/components/schemas/X` named anywhere in `value`. */
function schemaRefsIn(value: Json, found: Set<string>): Set<string> {
  if (Array.isArray(value)) value.forEach((item) => schemaRefsIn(item, found));
  else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) {
      if (key === '$ref' && typeof item === 'string' && item.startsWith(SCHEMA_REF_PREFIX)) found.add(item.slice(SCHEMA_REF_PREFIX.length));
      else schemaRefsIn(item, found);
    }
  }
  return found;
}

function renameRefs(value: Json, renames: ReadonlyMap<string, string>): Json {
  if (Array.isArray(value)) return value.map((item) => renameRefs(item, renames));
  if (!isObject(value)) return value;
  const out: JsonObject = {};
  for (const [key, item] of Object.entries(value)) {
    if (key === '$ref' && typeof item === 'string' && item.startsWith(SCHEMA_REF_PREFIX)) {
      const name = item.slice(SCHEMA_REF_PREFIX.length);
      out[key] = `${SCHEMA_REF_PREFIX}${renames.get(name) ?? name}`;
    } else out[key] = renameRefs(item, renames);
  }
  return out;
}

/** The schemas `roots` need, following references between schemas. */
function reachableSchemas(roots: Json, schemas: Record<string, Json>): Set<string> {
  const reached = new Set<string>();
  const pending = [...schemaRefsIn(roots, new Set())];
  while (pending.length > 0) {
    const name = pending.pop() as string;
    if (reached.has(name) || schemas[name] === undefined) continue;
    reached.add(name);
    pending.push(...schemaRefsIn(schemas[name], new Set()));
  }
  return reached;
}

function pascal(service: ServiceName): string {
  return service.replace(/(^|-)([a-z])/g, (_match, _dash: string, letter: string) => letter.toUpperCase());
}

/** The edge answers these itself, for every operation it proxies: 429 (its rate limit) and 502/504 (a service down or slow). */
function addEdgeResponses(operation: JsonObject): void {
  const responses = (isObject(operation.responses) ? operation.responses : {}) as JsonObject;
  const problem = (codes: string[]): JsonObject => ({
    [PROBLEM_CONTENT_TYPE]: {
      schema: { allOf: [{ $ref: `${SCHEMA_REF_PREFIX}${PROBLEM_SCHEMA}` }, { type: 'object', properties: { code: { type: 'string', enum: codes } } }] },
    },
  });
  responses['429'] = {
    description: `\`${RATE_LIMITED}\`: too many requests from this client; retry after the number of seconds in Retry-After.`,
    headers: { 'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer', minimum: 1 } } },
    content: problem([RATE_LIMITED]),
  };
  for (const status of ['502', '504']) {
    responses[status] ??= { description: `\`${DEPENDENCY_UNAVAILABLE}\`: the service behind the edge is unavailable or did not answer in time.`, content: problem([DEPENDENCY_UNAVAILABLE]) };
  }
  operation.responses = responses;
}

export interface PublicOpenApiOptions {
  /** The base URL clients use (the edge, or the Ingress in Kubernetes). */
  readonly serverUrl: string;
  readonly version: string;
}

/**
 * Merges the services' documents. Schemas with the same name and the same content are shared
 * (ProblemDetailsSchema); a name two services use for different schemas is prefixed with the
 * service (`IdentityFoo`), and so is an operationId two services share.
 */
export function publicOpenApiDocument(documents: Readonly<Record<ServiceName, OpenApiDocumentLike>>, options: PublicOpenApiOptions): OpenApiDocumentLike {
  const paths: Record<string, JsonObject> = {};
  const schemas: Record<string, Json> = {};
  const securitySchemes: Record<string, Json> = {};
  const tagDescriptions = new Map<string, string | undefined>();
  const operationIds = new Set<string>();

  for (const service of SERVICE_NAMES) {
    const document = documents[service];
    const serviceSchemas = (document.components?.schemas ?? {}) as Record<string, Json>;
    const publicPaths = Object.entries(document.paths ?? {}).filter(([path]) => {
      const route = routeFor(path);
      return route.kind === 'proxy' && route.service === service;
    });
    if (publicPaths.length === 0) continue;

    const needed = reachableSchemas(Object.fromEntries(publicPaths), serviceSchemas);
    const renames = new Map<string, string>();
    for (const name of needed) {
      const existing = schemas[name];
      if (existing !== undefined && JSON.stringify(existing) !== JSON.stringify(serviceSchemas[name])) renames.set(name, `${pascal(service)}${name}`);
    }
    for (const name of needed) schemas[renames.get(name) ?? name] = renameRefs(serviceSchemas[name], renames);

    for (const [path, item] of publicPaths) {
      const renamed = renameRefs(item, renames) as JsonObject;
      for (const method of HTTP_METHODS) {
        const operation = renamed[method];
        if (!isObject(operation)) continue;
        if (typeof operation.operationId === 'string') {
          if (operationIds.has(operation.operationId)) operation.operationId = `${service}_${operation.operationId}`;
          operationIds.add(operation.operationId);
        }
        addEdgeResponses(operation);
      }
      paths[path] = renamed;
    }
    for (const [name, scheme] of Object.entries(document.components?.securitySchemes ?? {})) securitySchemes[name] ??= scheme as Json;
    const used = new Set(publicPaths.flatMap(([, item]) => HTTP_METHODS.flatMap((method) => (isObject(item[method]) && Array.isArray(item[method].tags) ? (item[method].tags as string[]) : []))));
    for (const tag of document.tags ?? []) if (used.has(tag.name) && !tagDescriptions.has(tag.name)) tagDescriptions.set(tag.name, tag.description);
    for (const tag of used) if (!tagDescriptions.has(tag)) tagDescriptions.set(tag, undefined);
  }

  if (schemas[PROBLEM_SCHEMA] === undefined) {
    const withProblem = SERVICE_NAMES.map((service) => documents[service].components?.schemas?.[PROBLEM_SCHEMA]).find((schema) => schema !== undefined);
    if (withProblem !== undefined) schemas[PROBLEM_SCHEMA] = withProblem as Json;
  }

  // Only the schemes an operation names: the sandbox token is no part of an edge without the sandbox API.
  const namedSchemes = new Set(
    Object.values(paths).flatMap((item) =>
      HTTP_METHODS.flatMap((method) => (isObject(item[method]) && Array.isArray(item[method].security) ? (item[method].security as Json[]) : [])).flatMap((requirement) => (isObject(requirement) ? Object.keys(requirement) : [])),
    ),
  );

  return {
    openapi: '3.0.0',
    info: {
      title: 'kirim public API',
      description:
        "Every operation a client can reach at kirim's one base URL, merged from the services' own documents. Errors are application/problem+json (RFC 9457) with a stable `code`. The edge limits each client's request rate (429 with Retry-After).",
      version: options.version,
      license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
    },
    servers: [{ url: options.serverUrl, description: 'The public base URL' }],
    tags: [...tagDescriptions.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([name, description]) => (description ? { name, description } : { name })),
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components: {
      schemas: Object.fromEntries(Object.entries(schemas).sort(([a], [b]) => a.localeCompare(b))),
      securitySchemes: Object.fromEntries(Object.entries(securitySchemes).filter(([name]) => namedSchemes.has(name))),
    },
  };
}
