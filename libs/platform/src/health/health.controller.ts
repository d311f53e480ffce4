import { Controller, Get, HttpStatus, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, HealthIndicatorFunction, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { READINESS_CHECKS, ReadinessCheck } from './readiness';

export const HEALTH_OPTIONS = Symbol('HEALTH_OPTIONS');
export interface ResolvedHealthOptions {
  database: boolean;
}

interface StatusSettable {
  status(code: number): unknown;
}

@ApiExcludeController()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly moduleDb: TypeOrmHealthIndicator,
    @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[],
    @Inject(HEALTH_OPTIONS) private readonly options: ResolvedHealthOptions,
  ) {}

  /** Liveness: the event loop answers. Never checks dependencies, or a DB blip restarts every pod. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  async ready(@Res({ passthrough: true }) response: StatusSettable): Promise<HealthCheckResult | string | object> {
    const indicators: HealthIndicatorFunction[] = this.checks.map((c) => c.check);
    if (this.options.database) indicators.unshift(() => this.moduleDb.pingCheck('database', { timeout: 1500 }));
    try {
      return await this.health.check(indicators);
    } catch (error: unknown) {
      // Terminus' 503 body (status/info/error/details) is what probes and humans read; not a problem+json.
      if (error instanceof ServiceUnavailableException) {
        response.status(HttpStatus.SERVICE_UNAVAILABLE);
        return error.getResponse();
      }
      throw error;
    }
  }
}
