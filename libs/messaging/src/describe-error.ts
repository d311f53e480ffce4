/**
 * One line for a log or a dead-letter reason. Nest's RPC layer can hand errors back as plain
 * `{ status, message }` objects, so those are read too.
 */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    return `Error: ${(error as { message: string }).message}`;
  }
  return String(error);
}
