import type { OpenAPIObject } from '@nestjs/swagger';
import { PUBLIC_OPERATION_EXTENSION } from './api-problems.decorator';

/** The scheme `@ApiBearerAuth()` names by default: identity's access tokens. */
export const BEARER_SECURITY_SCHEME = 'bearer';

/** The scheme of internal operations: a service token identity issued to the calling service (docs/service-credentials.md). */
export const SERVICE_TOKEN_SCHEME = 'serviceToken';

export const OPENAPI_LICENSE = { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' } as const;

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

type OperationLike = Record<string, unknown> & { security?: unknown; operationId?: string; tags?: string[] };

/** Every operation of the document, with its path and method. */
export function operationsOf(document: Pick<OpenAPIObject, 'paths'>): { path: string; method: string; operation: OperationLike }[] {
  const found: { path: string; method: string; operation: OperationLike }[] = [];
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of HTTP_METHODS) {
      const operation = (item as Record<string, unknown>)[method];
      if (typeof operation === 'object' && operation !== null) found.push({ path, method, operation: operation as OperationLike });
    }
  }
  return found;
}

/** `UsersController`, `register` -> `users_register`: stable, URL-safe and unique within a service. */
export function operationIdFor(controllerKey: string, methodKey: string): string {
  const controller = controllerKey.replace(/Controller$/, '');
  return `${controller.charAt(0).toLowerCase()}${controller.slice(1)}_${methodKey}`;
}

export interface OpenApiFinish {
  /** Every tag the controllers use, with what it groups (Redocly's tag-description). */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * What @nestjs/swagger cannot say by decorators: `@ApiPublic()` operations get an explicit empty
 * `security`, and the tags are declared with descriptions in a stable order.
 */
export function finishOpenApiDocument(document: OpenAPIObject, finish: OpenApiFinish = {}): OpenAPIObject {
  for (const { operation } of operationsOf(document)) {
    if (operation[PUBLIC_OPERATION_EXTENSION] === true) {
      delete operation[PUBLIC_OPERATION_EXTENSION];
      operation.security = [];
    }
  }
  // A scheme no operation uses is noise to a client generator (and Redocly's no-unused-components):
  // payments, for one, answers users only, bank-connector services only.
  const schemesInUse = new Set(
    operationsOf(document).flatMap(({ operation }) => (Array.isArray(operation.security) ? operation.security : []).flatMap((requirement) => Object.keys(requirement as object))),
  );
  const schemes = document.components?.securitySchemes;
  if (schemes) for (const name of Object.keys(schemes)) if (!schemesInUse.has(name)) delete schemes[name];
  const used = new Set(operationsOf(document).flatMap(({ operation }) => operation.tags ?? []));
  const described = finish.tags ?? {};
  document.tags = [...used].sort().map((name) => (described[name] ? { name, description: described[name] } : { name }));
  return document;
}
