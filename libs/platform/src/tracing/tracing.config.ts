import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsIn, IsNumber, IsOptional, Matches, Max, Min } from 'class-validator';
import { IsUrlWithProtocol } from '../config/env-validators';

/** The one sampler kirim builds; OTEL_TRACES_SAMPLER may name it, and nothing else, so no setting is silently ignored. */
export const SUPPORTED_TRACES_SAMPLER = 'parentbased_traceidratio';

/**
 * Tracing settings, by their OpenTelemetry names (docs/operations.md, "Traces"). With neither
 * endpoint set nothing is exported, but every request and record still gets trace and span ids.
 */
export class TracingConfig {
  /** The collector's base URL; traces go to `<url>/v1/traces`. */
  @IsOptional()
  @IsUrlWithProtocol(['http', 'https'])
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;

  /** The full traces URL, used as it is; wins over OTEL_EXPORTER_OTLP_ENDPOINT. */
  @IsOptional()
  @IsUrlWithProtocol(['http', 'https'])
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string;

  /** `service.name` of every span; the service's own name when unset. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9][\w.-]{0,62}$/, { message: '$property must be 1 to 63 letters, digits, dots, dashes or underscores' })
  OTEL_SERVICE_NAME?: string;

  @IsOptional()
  @IsIn([SUPPORTED_TRACES_SAMPLER], { message: `$property must be ${SUPPORTED_TRACES_SAMPLER} (or unset): kirim samples by trace id ratio and follows the caller's decision` })
  OTEL_TRACES_SAMPLER?: string;

  /** The share of new traces recorded (0 to 1); a trace started elsewhere follows the caller's sampled flag. */
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: '$property must be a number from 0 to 1' })
  @Min(0, { message: '$property must be a number from 0 to 1' })
  @Max(1, { message: '$property must be a number from 0 to 1' })
  OTEL_TRACES_SAMPLER_ARG: number = 1;
}

/** Where spans are sent, or null when no endpoint is configured (nothing is exported). */
export function otlpTracesUrl(config: Pick<TracingConfig, 'OTEL_EXPORTER_OTLP_ENDPOINT' | 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'>): string | null {
  if (config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return config.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (config.OTEL_EXPORTER_OTLP_ENDPOINT) return `${config.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`;
  return null;
}
