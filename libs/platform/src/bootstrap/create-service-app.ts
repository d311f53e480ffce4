import { INestApplication, RequestMethod, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import type { SecuritySchemeObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { Logger } from 'nestjs-pino';
import { loadConfig } from '../config/load-config';
import { HttpInputConfig } from '../http/http-input.config';
import { refuseRepeatedQueryParameters, RefuseControlCharactersPipe } from '../http/input-rules';
import { BEARER_SECURITY_SCHEME, finishOpenApiDocument, SERVICE_TOKEN_SCHEME, OPENAPI_LICENSE, operationIdFor } from '../http/openapi-document';
import { HttpResponseLike, ProblemDetailsFilter } from '../http/problem-details.filter';
import { createValidationPipe } from '../http/problem-details';
import { serviceMetrics } from '../metrics/alerts';
import { documentedPaths, HttpRequestMetrics, RouteTemplates } from '../metrics/http-metrics';
import { collectProcessMetrics } from '../metrics/process-metrics';

export interface ServiceAppOptions {
  serviceName: string;
  openApi: {
    title: string;
    description: string;
    version?: string;
    /** A description of every tag the service's controllers use. */
    tags?: Readonly<Record<string, string>>;
    /** Security schemes besides `bearer` (identity's access tokens), by name. */
    securitySchemes?: Readonly<Record<string, SecuritySchemeObject>>;
  };
  /** Defaults to HTTP_BODY_LIMIT_BYTES from the environment (HttpInputConfig, validated at boot). */
  bodyLimitBytes?: number;
  /**
   * Express middleware that runs before the body is read, the route is found and any guard runs
   * (after the request metrics and the query rule): for answers that must cost next to nothing, such
   * as refusing load (payments' SagaAdmission). Given the app, to take providers from it.
   */
  beforeBody?: (app: INestApplication) => readonly EarlyMiddleware[];
}

/** Express middleware as `beforeBody` sees a request: before body parsing and routing. */
export type EarlyMiddleware = (request: EarlyRequest, response: HttpResponseLike, next: () => void) => void;

/** What an early middleware may read of a request (keeps @types/express out). */
export interface EarlyRequest {
  readonly method?: string;
  /** The path without the query string, as Express parsed it. */
  readonly path: string;
}

/** Paths outside `/v1`: probes, the well-known key sets (fixed by convention) and the API docs. */
/**
 * Paths outside `/v1`: probes, key sets, docs, and `/internal/...`, where services answer each other
 * with service credentials (libs/contracts service-calls.ts; versioned inside their own path).
 */
export const UNVERSIONED_PATHS = ['health/live', 'health/ready', 'metrics', '.well-known/jwks.json', '.well-known/message-signing-keys.json', 'docs', 'docs-json', 'internal/*path'] as const;

/** Served but not in the OpenAPI document: labelled with these templates (docs/metrics.md). */
const UNDOCUMENTED_ROUTES = ['/health/live', '/health/ready', '/metrics', '/docs', '/docs-json', '/docs-yaml', '/docs/*'];

/**
 * Creates the HTTP app with kirim's conventions. The app module must import
 * `createLoggingModule(serviceName)` (nestjs-pino's Logger is resolved here).
 */
export async function createServiceApp(appModule: Type<unknown>, options: ServiceAppOptions): Promise<INestApplication> {
  // abortOnError false: a boot failure (bad config, DB down) rejects, so bootService can report it and exit 1.
  // Body parsers are ours (bodyParser false) so the size limit is one setting; rawBody keeps the
  // exact bytes (req.rawBody) for endpoints that verify a signature over them (webhooks).
  const app = await NestFactory.create<NestExpressApplication>(appModule, { bufferLogs: true, abortOnError: false, bodyParser: false, rawBody: true });
  app.useLogger(app.get(Logger));
  // No Express banner for scanners, and no ETag: hashing every JSON answer costs CPU on each request,
  // and no client of these APIs revalidates (payments' states change; clients poll or take events).
  app.disable('x-powered-by');
  app.set('etag', false);
  collectProcessMetrics(serviceMetrics);
  // The first middleware, so every request is counted: those refused before routing (body limits,
  // repeated query parameters, unknown paths) as well as those guards, pipes and filters refuse.
  const requestMetrics = new HttpRequestMetrics();
  app.use(requestMetrics.middleware);
  const bodyLimitBytes = options.bodyLimitBytes ?? loadConfig(HttpInputConfig).HTTP_BODY_LIMIT_BYTES;
  // Input rules for every route of every service (docs/service-conventions.md, "Input rules"):
  // a repeated query parameter is refused before routing; larger bodies are 413 (the filter maps
  // body-parser's errors); strings with control characters are refused by the first global pipe.
  app.use(refuseRepeatedQueryParameters);
  for (const middleware of options.beforeBody?.(app) ?? []) app.use(middleware);
  app.useBodyParser('json', { limit: bodyLimitBytes });
  app.useBodyParser('urlencoded', { limit: bodyLimitBytes, extended: false });
  app.setGlobalPrefix('v1', {
    exclude: UNVERSIONED_PATHS.map((path) => ({ path, method: RequestMethod.ALL })),
  });
  app.useGlobalPipes(new RefuseControlCharactersPipe(), createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());

  const document = createOpenApiDocument(app, options.openApi);
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  // Route labels are the documented operations' templates, never the request's path.
  requestMetrics.useRoutes(new RouteTemplates([...documentedPaths(document), ...UNDOCUMENTED_ROUTES]));
  // No enableShutdownHooks: runUntilSignalled owns the shutdown order.
  return app;
}

/** The service's OpenAPI document, with what Redocly's recommended rules ask (servers, license, security, operationIds, tags). */
export function createOpenApiDocument(app: INestApplication, openApi: ServiceAppOptions['openApi']): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle(openApi.title)
    .setDescription(openApi.description)
    .setVersion(openApi.version ?? '1')
    .setLicense(OPENAPI_LICENSE.name, OPENAPI_LICENSE.url)
    // Relative: the service's own origin when read from the service, the edge's when read through it.
    .addServer('/', 'The origin this document is served from')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'An access token issued by identity.' }, BEARER_SECURITY_SCHEME)
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: "A service token identity issued to the calling service for this one (internal operations only; user tokens are refused)." },
      SERVICE_TOKEN_SCHEME,
    );
  for (const [name, scheme] of Object.entries(openApi.securitySchemes ?? {})) builder.addSecurity(name, scheme);
  return finishOpenApiDocument(SwaggerModule.createDocument(app, builder.build(), { operationIdFactory: operationIdFor }), { tags: openApi.tags });
}
