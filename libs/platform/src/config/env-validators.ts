import { Transform } from 'class-transformer';
import { ValidateBy, ValidationOptions } from 'class-validator';

/** A URL that `new URL()` accepts, with one of the given protocols (without the colon). */
export function IsUrlWithProtocol(protocols: readonly string[], options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isUrlWithProtocol',
      validator: {
        validate: (value: unknown) => {
          if (typeof value !== 'string') return false;
          try {
            return protocols.includes(new URL(value).protocol.replace(/:$/, ''));
          } catch {
            return false;
          }
        },
        defaultMessage: () => `$property must be a ${protocols.map((p) => `${p}://`).join(' or ')} URL`,
      },
    },
    options,
  );
}

/**
 * Implicit conversion turns the string "false" into `true`; env booleans need an explicit parse.
 * Accepts true/false/1/0/yes/no; anything else stays a string and fails `@IsBoolean()`.
 */
export function EnvBoolean(): PropertyDecorator {
  return Transform(({ obj, key }: { obj: Record<string, unknown>; key: string }) => {
    const raw = obj[key];
    if (typeof raw !== 'string') return raw;
    const normalized = raw.trim().toLowerCase();
    if (['true', '1', 'yes'].includes(normalized)) return true;
    if (['false', '0', 'no'].includes(normalized)) return false;
    return raw;
  });
}
