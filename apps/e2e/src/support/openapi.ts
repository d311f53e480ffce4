import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { edgeUrl, REPO_ROOT } from './config';

/**
 * The served OpenAPI documents of the running stack, read as an outside client reads them: each
 * service's own document through the edge (/docs/<service>-json) and the merged public one
 * (/docs/openapi.json). Shared by the contract (lint) test and the fuzz test.
 */

export const SERVICES = ['identity', 'payments', 'bank-connector', 'notifications'] as const;
export type Service = (typeof SERVICES)[number];

/** Where each service listens in the local stack (scripts/lib.sh), for operations the edge does not route. */
export function serviceUrl(service: Service): string {
  const fallback: Record<Service, string> = {
    identity: 'http://127.0.0.1:3001',
    payments: 'http://127.0.0.1:3002',
    'bank-connector': 'http://127.0.0.1:3003',
    notifications: 'http://127.0.0.1:3004',
  };
  const variable = `${service.toUpperCase().replace('-', '_')}_URL`;
  return (process.env[variable] ?? fallback[service]).replace(/\/+$/, '');
}

export type SchemaObject = {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  properties?: Record<string, SchemaObject>;
  required?: string[];
  items?: SchemaObject;
  allOf?: SchemaObject[];
  oneOf?: SchemaObject[];
  anyOf?: SchemaObject[];
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  nullable?: boolean;
  example?: unknown;
};

export interface ParameterObject {
  name: string;
  in: 'query' | 'path' | 'header' | 'cookie';
  required?: boolean;
  schema?: SchemaObject;
}

export interface OperationObject {
  operationId?: string;
  parameters?: ParameterObject[];
  requestBody?: { content?: Record<string, { schema?: SchemaObject }> };
  responses?: Record<string, { content?: Record<string, { schema?: SchemaObject }> }>;
  security?: Record<string, string[]>[];
}

export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, OperationObject>>;
  components?: { schemas?: Record<string, SchemaObject>; securitySchemes?: Record<string, { type: string; in?: string; name?: string; scheme?: string }> };
  [key: string]: unknown;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'] as const;

export interface Operation {
  readonly method: string;
  readonly path: string;
  readonly operation: OperationObject;
}

export function operationsOf(document: OpenApiDocument): Operation[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method] !== undefined).map((method) => ({ method, path, operation: item[method] })),
  );
}

async function fetchJson(url: string): Promise<OpenApiDocument> {
  const response = await fetch(url);
  if (response.status !== 200) throw new Error(`${url} answered ${response.status}: ${(await response.text()).slice(0, 300)}`);
  return (await response.json()) as OpenApiDocument;
}

export function fetchServiceDocument(service: Service): Promise<OpenApiDocument> {
  return fetchJson(`${edgeUrl()}/docs/${service}-json`);
}

export function fetchPublicDocument(): Promise<OpenApiDocument> {
  return fetchJson(`${edgeUrl()}/docs/openapi.json`);
}

export interface LintProblem {
  ruleId: string;
  severity: string;
  message: string;
  location?: { pointer?: string }[];
}

/**
 * `@redocly/cli lint` with the repository's redocly.yaml (the `recommended` ruleset), run as a
 * client would run it: the CLI on the document saved to a file.
 */
export async function redoclyLint(name: string, document: OpenApiDocument): Promise<{ errors: number; warnings: number; problems: LintProblem[] }> {
  const file = join(mkdtempSync(join(tmpdir(), 'kirim-openapi-')), `${name}.json`);
  writeFileSync(file, JSON.stringify(document, null, 2));
  const cli = join(REPO_ROOT, 'node_modules', '.bin', 'redocly');
  const run = promisify(execFile);
  let stdout: string;
  try {
    ({ stdout } = await run(cli, ['lint', file, '--format=json', `--config=${join(REPO_ROOT, 'redocly.yaml')}`], { cwd: REPO_ROOT, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } }));
  } catch (error: unknown) {
    // The CLI exits 1 when there are errors; its JSON report is still on stdout.
    stdout = (error as { stdout?: string }).stdout ?? '';
    if (!stdout.trim().startsWith('{')) throw error;
  }
  const report = JSON.parse(stdout.slice(stdout.indexOf('{'))) as { totals: { errors: number; warnings: number }; problems: LintProblem[] };
  return { errors: report.totals.errors, warnings: report.totals.warnings, problems: report.problems };
}
