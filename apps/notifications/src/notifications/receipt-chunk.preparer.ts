import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { EVENT_TYPES, PaymentLifecycleEvent } from '@kirim/contracts';
import type { ChunkPreparer, ChunkRun, InboundEvent } from '@kirim/messaging';
import { DeliveryRepository } from '../delivery/delivery.repository';
import { NotificationStore } from '../payment-receipts/record-payment-receipts/notification-store';
import { RecipientPreferencesRepository } from '../recipient-preferences/recipient-preferences.repository';

/**
 * A chunk of events that commits or fails as a whole reads the preferences of everyone its payments'
 * receipts are for once, at its start, and writes its receipts and then their deliveries together,
 * at its end: three statements per chunk instead of three per receipt-bearing event. A chunk
 * replayed message by message (and a dead letter's replay) reads and writes per event, as each
 * handler does on its own.
 */
@Injectable()
export class ReceiptChunkPreparer implements ChunkPreparer {
  constructor(
    private readonly preferences: RecipientPreferencesRepository,
    private readonly deliveries: DeliveryRepository,
    private readonly notifications: NotificationStore,
  ) {}

  async prepareChunk(events: readonly InboundEvent<object>[], manager: EntityManager, run: ChunkRun): Promise<void> {
    if (!run.asOne) return;
    // An initiated payment has no receipt (PaymentEventsConsumer); every other step has one for each party.
    const readers = events.flatMap((event) =>
      event.data instanceof PaymentLifecycleEvent && event.type !== EVENT_TYPES.PAYMENT_INITIATED ? [event.data.payerUserId, event.data.payeeUserId] : [],
    );
    await this.preferences.rememberUsers({ manager }, readers);
    this.notifications.deferInserts(manager);
    this.deliveries.deferInserts({ manager });
  }

  async finishChunk(manager: EntityManager): Promise<void> {
    // Receipts first: each delivery references its receipt.
    await this.notifications.writeDeferredInserts(manager);
    await this.deliveries.writeDeferredInserts({ manager });
  }
}
