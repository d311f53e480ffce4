import { ArgumentsHost, Catch, INestApplication, RpcExceptionFilter } from '@nestjs/common';
import { Observable, throwError } from 'rxjs';
import { KafkaBatchTransport } from './kafka-batch.transport';
import type { ChunkPreparer } from './messaging.types';

/**
 * Nest's default RPC exception layer turns any handler error into "Internal server error". The
 * batch processor needs the real error — it decides retry and dead-letter, and the reason goes on
 * the dead-letter record — so errors pass through untouched.
 */
@Catch()
export class PassThroughRpcErrors implements RpcExceptionFilter<unknown> {
  catch(exception: unknown, _host: ArgumentsHost): Observable<never> {
    return throwError(() => exception);
  }
}

/** Attaches the batch Kafka consumer to a service's Nest app; start it with `app.startAllMicroservices()`. */
export function connectKafkaTransport(app: INestApplication, options: { chunkPreparer?: ChunkPreparer } = {}): void {
  const transport = app.get(KafkaBatchTransport);
  if (options.chunkPreparer) transport.useChunkPreparer(options.chunkPreparer);
  // Deferred so the filter is in place before the handlers are wrapped (listen() registers them).
  const microservice = app.connectMicroservice({ strategy: transport }, { deferInitialization: true });
  microservice.useGlobalFilters(new PassThroughRpcErrors());
}
