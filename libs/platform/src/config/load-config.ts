import 'reflect-metadata';
import { DynamicModule, Module, Provider } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { ValidationError, validateSync } from 'class-validator';
import { ConfigError } from './config-error';

/**
 * Validates the environment against `schema` once, at boot. Empty variables count as unset
 * (`FOO=` in a compose file means "not configured"). Messages name the variable and the rule,
 * never the value: it may be a secret.
 */
export function loadConfig<T extends object>(schema: new () => T, env: NodeJS.ProcessEnv = process.env): T {
  const defined: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value !== '') defined[key] = value;
  }
  const instance = plainToInstance(schema, defined, { enableImplicitConversion: true });
  // whitelist drops the many unrelated env vars; forbidding them would make every shell fail.
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: false });
  if (errors.length > 0) throw new ConfigError(errors.map(describeEnvError));
  return instance;
}

function describeEnvError(error: ValidationError): string {
  const constraints = error.constraints ?? {};
  if (constraints['isDefined']) return constraints['isDefined'];
  const messages = [...new Set(Object.values(constraints))];
  return messages.length > 0 ? messages.join(', ') : `${error.property} is invalid`;
}

/** A provider so the service injects its config by class: `constructor(private readonly config: PaymentsConfig)`. */
export function provideConfig<T extends object>(schema: new () => T, env?: NodeJS.ProcessEnv): Provider<T> {
  return { provide: schema, useFactory: () => loadConfig(schema, env) };
}

@Module({})
export class ConfigModule {
  /** Global module exporting `provideConfig(schema)`, so any module of the service can inject it. */
  static forRoot<T extends object>(schema: new () => T, env?: NodeJS.ProcessEnv): DynamicModule {
    const provider = provideConfig(schema, env);
    return { module: ConfigModule, global: true, providers: [provider], exports: [schema] };
  }
}
