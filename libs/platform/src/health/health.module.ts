import { DynamicModule, InjectionToken, Module, ModuleMetadata } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { HEALTH_OPTIONS, HealthController, ResolvedHealthOptions } from './health.controller';
import { READINESS_CHECKS, ReadinessCheck } from './readiness';
import { MetricsController } from '../metrics/metrics.controller';

export interface HealthModuleOptions {
  /** Ping the TypeORM default DataSource (default true). */
  database?: boolean;
  /** Checks known up front. */
  checks?: ReadinessCheck[];
  /**
   * Tokens of providers whose value is a `ReadinessCheck` (or an array of them). This is how
   * libs/messaging contributes its Kafka check without platform importing messaging:
   * `HealthModule.forRoot({ imports: [MessagingModule], checkTokens: [KAFKA_READINESS_CHECK] })`.
   */
  checkTokens?: InjectionToken[];
  /** Modules exporting the `checkTokens` providers (not needed if they are global). */
  imports?: ModuleMetadata['imports'];
}

@Module({})
export class HealthModule {
  static forRoot(options: HealthModuleOptions = {}): DynamicModule {
    const resolved: ResolvedHealthOptions = { database: options.database ?? true };
    return {
      module: HealthModule,
      imports: [TerminusModule.forRoot({ errorLogStyle: 'json' }), ...(options.imports ?? [])],
      // Every service has probes and a scrape endpoint, so they come together.
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: HEALTH_OPTIONS, useValue: resolved },
        {
          provide: READINESS_CHECKS,
          useFactory: (...injected: (ReadinessCheck | ReadinessCheck[])[]): ReadinessCheck[] => [
            ...(options.checks ?? []),
            ...injected.flat(),
          ],
          inject: options.checkTokens ?? [],
        },
      ],
    };
  }
}
