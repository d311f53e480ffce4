import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { EVENT_CATALOGUE, isEventType, validatePayload } from '@kirim/contracts';
import type { OutgoingEvent, TransactionScope } from '../messaging.types';
import { childTraceparent } from '../codec/traceparent';

/** A message refused on produce: the code that emitted it broke the contract. This is a bug, so it throws. */
export class ContractViolationError extends Error {
  constructor(type: string, errors: readonly string[]) {
    super(`refusing to publish ${type}: ${errors.join('; ')}`);
    this.name = 'ContractViolationError';
  }
}

/**
 * Appends messages to the outbox inside the caller's transaction, after validating them against
 * the contract. Messages are buffered per transaction and written with one multi-row INSERT when
 * the work is done, which keeps a busy batch to a single round trip.
 */
export class OutboxWriter {
  constructor(private readonly source: string) {}

  /** Starts a scope over `manager`; call `flush()` before the transaction commits. */
  open(manager: EntityManager, parentTraceparent?: string): TransactionScope & { flush(): Promise<number> } {
    const pending: unknown[][] = [];
    const source = this.source;
    return {
      manager,
      async publish<T extends object>(event: OutgoingEvent<T>): Promise<void> {
        if (!isEventType(event.type)) throw new ContractViolationError(event.type, ['unknown event type']);
        const spec = EVENT_CATALOGUE[event.type];
        const validated = validatePayload(spec.payload, event.data);
        if (!validated.ok) throw new ContractViolationError(event.type, validated.errors);
        if (!event.key) throw new ContractViolationError(event.type, ['record key (aggregate id) is empty']);
        // Serialise through JSON so what is stored is exactly what consumers will read.
        const data = JSON.parse(JSON.stringify(event.data)) as object;
        pending.push([randomUUID(), spec.topic, event.key, event.type, source, event.subject ?? null, new Date(), data, childTraceparent(parentTraceparent)]);
      },
      async flush(): Promise<number> {
        if (pending.length === 0) return 0;
        const rows = pending.splice(0, pending.length);
        const values: unknown[] = [];
        const tuples = rows.map((row, index) => {
          values.push(...row);
          const base = index * 9;
          return `($${base + 1}, $${base + 2}, $${base + 3}, $${base + 4}, $${base + 5}, $${base + 6}, $${base + 7}, $${base + 8}, $${base + 9})`;
        });
        await manager.query(
          `INSERT INTO outbox_messages (id, topic, record_key, type, source, subject, occurred_at, data, traceparent) VALUES ${tuples.join(', ')}`,
          values,
        );
        return rows.length;
      },
    };
  }
}
