/**
 * `now`, or a millisecond after the previous change if the clock is not past it (replicas' clocks
 * differ): consumers keep the event with the latest `changedAt`, so the latest change must have it.
 * Call it under the user's row lock, so two changes of one user are ordered.
 */
export function laterThan(previous: Date | null | undefined, now: Date): Date {
  return previous !== null && previous !== undefined && previous.getTime() >= now.getTime() ? new Date(previous.getTime() + 1) : now;
}
