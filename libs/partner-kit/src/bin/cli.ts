import { parseArgs, ParseArgsConfig } from 'node:util';

/** Exit codes of the kit's commands. */
export const EXIT = { OK: 0, FAILED: 1, USAGE: 2 } as const;

export class UsageError extends Error {}

export function out(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

export function err(text: string): void {
  process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** Parses `argv` strictly: an unknown flag or a stray argument is a usage error naming it. */
export function parseFlags<T extends Options>(argv: readonly string[], options: T): Record<string, string | boolean | undefined> {
  try {
    const { values } = parseArgs({ args: [...argv], options, strict: true, allowPositionals: false });
    return values as Record<string, string | boolean | undefined>;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

export function required(values: Record<string, string | boolean | undefined>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value.trim() === '') throw new UsageError(`--${name} is required`);
  return value.trim();
}

export function optionalInt(values: Record<string, string | boolean | undefined>, name: string): number | undefined {
  const value = values[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d{1,9}$/.test(value)) throw new UsageError(`--${name} must be a whole number`);
  return Number(value);
}

/** Runs a command's main: usage errors exit 2 with the usage text, anything else 2 with its message. */
export function runCommand(main: () => Promise<number>, usage: string): void {
  main().then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      if (error instanceof UsageError) err(`${error.message}\n\n${usage}`);
      else err(`error: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = EXIT.USAGE;
    },
  );
}
