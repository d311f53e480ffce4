import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsBoolean, IsDefined, IsIn, IsInt, IsIP, Matches, Max, Min } from 'class-validator';
import { IsIdentityUrl } from '../auth/identity-url';
import { HttpInputConfig } from '../http/http-input.config';
import { DEFAULT_PREPARE_THRESHOLD } from '../persistence/prepared-statements';
import { EnvBoolean, IsUrlWithProtocol } from './env-validators';

export const NODE_ENVS = ['development', 'test', 'production'] as const;
export type NodeEnv = (typeof NODE_ENVS)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** `host:port[,host:port...]`, as KAFKA_BROKERS is given. */
export const HOST_PORT_LIST = /^\s*[^\s,:]+:\d{1,5}\s*(,\s*[^\s,:]+:\d{1,5}\s*)*$/;

/**
 * What every service needs from its environment. A service extends this class with its own
 * variables; every property needs at least one validator or `loadConfig` strips it. Numbers carry
 * an explicit `@Type(() => Number)` so conversion does not depend on emitted decorator metadata.
 */
export class BaseServiceConfig extends HttpInputConfig {
  @IsIn(NODE_ENVS, { message: `$property must be one of ${NODE_ENVS.join(', ')}` })
  NODE_ENV: NodeEnv = 'development';

  @IsIn(LOG_LEVELS, { message: `$property must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: LogLevel = 'info';

  @IsDefined({ message: '$property is required' })
  @Type(() => Number)
  @IsInt({ message: '$property must be an integer between 1 and 65535' })
  @Min(1, { message: '$property must be an integer between 1 and 65535' })
  @Max(65535, { message: '$property must be an integer between 1 and 65535' })
  HTTP_PORT!: number;

  /**
   * The interface the service listens on. Loopback by default, so a developer's services are not
   * reachable from the network (only the edge is); container images set 0.0.0.0, where the
   * container's network (compose, a Kubernetes pod with NetworkPolicies) is the boundary.
   */
  @IsIP(undefined, { message: '$property must be an IP address, e.g. 127.0.0.1 or 0.0.0.0' })
  HTTP_HOST = '127.0.0.1';

  @IsDefined({ message: '$property is required' })
  @IsUrlWithProtocol(['postgres', 'postgresql'])
  DATABASE_URL!: string;

  /**
   * Apply pending migrations at boot (under the migrations lock, so replicas starting together take
   * turns). On by default for the local stack and compose; Kubernetes runs each service's migrate
   * command as a Job and sets this false, and the service then refuses to start while any migration
   * is pending.
   */
  @EnvBoolean()
  @IsBoolean({ message: '$property must be true or false' })
  DATABASE_MIGRATIONS_AT_BOOT = true;

  /**
   * Uses of one SQL statement on one database connection before it runs as a prepared statement,
   * parsed and planned once (libs/platform/src/persistence/prepared-statements.ts). 0 prepares
   * nothing, as a transaction-mode connection pooler before PgBouncer 1.21 needs.
   */
  @Type(() => Number)
  @IsInt({ message: '$property must be an integer from 0 (off) to 1000' })
  @Min(0, { message: '$property must be an integer from 0 (off) to 1000' })
  @Max(1000, { message: '$property must be an integer from 0 (off) to 1000' })
  DATABASE_PREPARE_THRESHOLD = DEFAULT_PREPARE_THRESHOLD;

  @IsDefined({ message: '$property is required' })
  @Matches(HOST_PORT_LIST, { message: '$property must be a comma-separated list of host:port' })
  KAFKA_BROKERS!: string;

  @Type(() => Number)
  @IsInt({ message: '$property must be an integer number of milliseconds >= 0' })
  @Min(0, { message: '$property must be an integer number of milliseconds >= 0' })
  SHUTDOWN_TIMEOUT_MS = 10_000;

  /** identity's JWKS: https outside local development (IsIdentityUrl says when http is allowed). */
  @IsDefined({ message: '$property is required' })
  @IsIdentityUrl()
  IDENTITY_JWKS_URL!: string;

  /** Lets the two URLs above be http:// in production: only for a network on one machine (compose). */
  @EnvBoolean()
  @IsBoolean({ message: '$property must be true or false' })
  IDENTITY_HTTP_ALLOWED = false;
}

/** `KAFKA_BROKERS` as the list kafkajs wants. */
export function kafkaBrokers(config: Pick<BaseServiceConfig, 'KAFKA_BROKERS'>): string[] {
  return config.KAFKA_BROKERS.split(',')
    .map((broker) => broker.trim())
    .filter((broker) => broker.length > 0);
}
