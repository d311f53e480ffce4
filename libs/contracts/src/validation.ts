import { plainToInstance } from 'class-transformer';
import { ValidateBy, ValidateIf, validateSync, ValidationError } from 'class-validator';
import { installValidationMetadataCache } from './validation-metadata-cache';

// Every process that validates anything loads this module: its lookups of a class's rules are kept from here on.
installValidationMetadataCache();

export type ValidationOutcome<T> = { ok: true; value: T } | { ok: false; errors: string[] };

/** Flattens class-validator errors into `path: message` lines a caller can act on. */
export function describeValidationErrors(errors: ValidationError[], parent = ''): string[] {
  return errors.flatMap((error) => {
    const path = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => `${path}: ${message}`);
    return [...own, ...describeValidationErrors(error.children ?? [], path)];
  });
}

/**
 * Turns an untrusted plain object into a validated instance of `cls`. Unknown properties are
 * refused, not dropped silently, so a producer that sends a field we do not know hears about it.
 */
export function validatePayload<T extends object>(cls: new () => T, plain: unknown): ValidationOutcome<T> {
  if (plain === null || typeof plain !== 'object' || Array.isArray(plain)) {
    return { ok: false, errors: ['payload must be a JSON object'] };
  }
  const instance = plainToInstance(cls, plain);
  const errors = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  return errors.length === 0 ? { ok: true, value: instance } : { ok: false, errors: describeValidationErrors(errors) };
}

/**
 * "Exactly one of two fields": the first is required unless the other is present
 * (`RequiredWithout(other)`), and the second is refused beside the first (`AbsentWith(first)`).
 */
export function RequiredWithout(other: string): PropertyDecorator {
  return ValidateIf((object: Record<string, unknown>) => object[other] === undefined || object[other] === null);
}

/** Refuses the field when `other` is present (the second half of "exactly one of the two"). */
export function AbsentWith(other: string): PropertyDecorator {
  return ValidateBy({
    name: 'absentWith',
    constraints: [other],
    validator: {
      validate: (_value: unknown, args) => {
        const present = (args?.object as Record<string, unknown> | undefined)?.[other];
        return present === undefined || present === null;
      },
      defaultMessage: (args) => `$property and ${String(args?.constraints[0])} cannot both be present: exactly one is`,
    },
  });
}
