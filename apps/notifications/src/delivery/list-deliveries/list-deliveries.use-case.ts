import { Injectable } from '@nestjs/common';
import type { DeliveryStatus } from '../delivery';
import { DeliveryCursor, DeliveryPage, DeliveryRepository } from '../delivery.repository';

export interface ListDeliveriesQuery {
  readonly status?: DeliveryStatus;
  readonly limit: number;
  readonly after?: DeliveryCursor;
}

/** Deliveries newest first, for operators (dead ones, mostly: what to replay). */
@Injectable()
export class ListDeliveries {
  constructor(private readonly repository: DeliveryRepository) {}

  execute(query: ListDeliveriesQuery): Promise<DeliveryPage> {
    return this.repository.list(query);
  }
}

/** A page's end as an opaque cursor: base64url of `<created_at ISO>|<id>`. */
export function encodeDeliveryCursor(cursor: DeliveryCursor): string {
  return Buffer.from(`${cursor.createdAt.toISOString()}|${cursor.deliveryId}`, 'utf8').toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The cursor `encodeDeliveryCursor` made, or null for anything else. */
export function decodeDeliveryCursor(value: string): DeliveryCursor | null {
  const [at, id, ...rest] = Buffer.from(value, 'base64url').toString('utf8').split('|');
  if (rest.length > 0 || at === undefined || id === undefined || !UUID.test(id)) return null;
  const createdAt = new Date(at);
  if (Number.isNaN(createdAt.getTime()) || createdAt.toISOString() !== at) return null;
  return { createdAt, deliveryId: id };
}
