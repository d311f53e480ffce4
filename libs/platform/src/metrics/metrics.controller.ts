import { Controller, Get, Header } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { serviceMetrics } from './alerts';

/** Prometheus scrape endpoint, unversioned and off the public edge (only `/v1/...` is routed there). */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  @Get()
  @Header('Content-Type', serviceMetrics.contentType)
  async scrape(): Promise<string> {
    return serviceMetrics.metrics();
  }
}
