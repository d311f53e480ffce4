/**
 * Thrown by a handler that refuses a message it has read, such as a bank's answer naming another
 * amount or account than the request it claims to answer, or a requestId reused with other content.
 * Retrying cannot change the verdict, so the message goes to the dead-letter topic at once with
 * `reason`, and whatever the handler did is rolled back (its savepoint), so nothing moves.
 */
export class MessageRefusedError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'MessageRefusedError';
  }
}

/** By name as well as by class: Nest's RPC layer may hand back a copy of the error. */
export function isMessageRefusal(error: unknown): error is { name: string; message: string } {
  return error instanceof MessageRefusedError || (typeof error === 'object' && error !== null && (error as { name?: unknown }).name === 'MessageRefusedError');
}
