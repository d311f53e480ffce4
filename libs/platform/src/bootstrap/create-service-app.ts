import { INestApplication, RequestMethod, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { ProblemDetailsFilter } from '../http/problem-details.filter';
import { createValidationPipe } from '../http/problem-details';

export interface ServiceAppOptions {
  serviceName: string;
  openApi: { title: string; description: string; version?: string };
}

/** Paths outside `/v1`: probes, the well-known key sets (fixed by convention) and the API docs. */
export const UNVERSIONED_PATHS = ['health/live', 'health/ready', '.well-known/jwks.json', '.well-known/message-signing-keys.json', 'docs', 'docs-json'] as const;

/**
 * Creates the HTTP app with kirim's conventions. The app module must import
 * `createLoggingModule(serviceName)` (nestjs-pino's Logger is resolved here).
 */
export async function createServiceApp(appModule: Type<unknown>, options: ServiceAppOptions): Promise<INestApplication> {
  // abortOnError false: a boot failure (bad config, DB down) rejects, so bootService can report it and exit 1.
  const app = await NestFactory.create(appModule, { bufferLogs: true, abortOnError: false });
  app.useLogger(app.get(Logger));
  app.setGlobalPrefix('v1', {
    exclude: UNVERSIONED_PATHS.map((path) => ({ path, method: RequestMethod.ALL })),
  });
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle(options.openApi.title)
      .setDescription(options.openApi.description)
      .setVersion(options.openApi.version ?? '1')
      .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
  // No enableShutdownHooks: runUntilSignalled owns the shutdown order.
  return app;
}
