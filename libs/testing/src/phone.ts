import { randomInt } from 'node:crypto';

/** A random E.164 Indian mobile (+91, 10 digits starting with 9), so tests don't collide on unique phones. */
export function uniquePhone(): string {
  return `+919${randomInt(0, 1_000_000_000).toString().padStart(9, '0')}`;
}
