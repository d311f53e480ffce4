import { v7 } from 'uuid';

/**
 * A UUIDv7 (RFC 9562, section 5.7): 48 bits of Unix milliseconds, then random bits. Rows keyed by
 * them go in at the right edge of their btree index, where a random v4 key lands on any leaf page:
 * at a thousand payments a second that is a page read and, after each checkpoint, a full-page write
 * in the WAL per insert per index, and a cache that must hold the whole index. The `uuid` package
 * keeps ids from one process strictly increasing (a counter within a millisecond, carried on if the
 * clock steps back). Ids are not secrets: the timestamp tells when a row was made.
 */
export function uuidv7(): string {
  return v7();
}
