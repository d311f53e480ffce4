import { Money, RESULT_CODES, ResultCode } from '@kirim/contracts';

/**
 * The customer's answer to a collect request: none yet (`pending`), approved with the UPI PIN (a
 * payment was made for it), declined, or none before its expiry (`expired`, UPI U69). Only a pending
 * request changes, and only once.
 */
export type CollectRequestStatus = 'pending' | 'approved' | 'declined' | 'expired';
export const COLLECT_REQUEST_STATUSES: readonly CollectRequestStatus[] = ['pending', 'approved', 'declined', 'expired'];

/**
 * One party asking one customer to pay (docs/merchants.md, "Collect requests"). The customer is
 * known by user id only: the phone number or address they were named by is not kept.
 */
interface CollectRequestFields {
  readonly id: string;
  /** The requester's own id for it, unique per merchant or per user: a repeat with the same body is the same request. */
  readonly reference: string;
  /** sha256 of the canonical request (customer, amount, note, expiry, and a person's pay-to address), to tell a repeat from a reuse. */
  readonly requestFingerprint: string;
  /** The customer asked to pay: the only user who may approve or decline it. */
  readonly payerUserId: string;
  readonly amount: Money;
  readonly note: string | null;
  readonly status: CollectRequestStatus;
  /** U69 once expired; null otherwise (an approved request's payment carries its own code). */
  readonly resultCode: ResultCode | null;
  readonly expiresAt: Date;
  /** A merchant's request only: the order made when the customer approved, whose payment is the request's payment. */
  readonly orderId: string | null;
  readonly paymentId: string | null;
  readonly createdAt: Date;
  /** When the customer answered, or when it expired. */
  readonly decidedAt: Date | null;
}

/** A merchant asking (its API key): paid to its settlement account, through an order made on approval. */
export type MerchantCollectRequest = CollectRequestFields & { readonly merchantId: string; readonly requesterUserId: null; readonly payToAddress: null };

/**
 * A user asking another user (P2P collect, behind the scheme profile's switch; off on UPI): paid by
 * an ordinary P2P payment into `payToAddress`, one of the requester's own custom addresses (never
 * the phone-number one: payments keeps no phone numbers).
 */
export type PersonCollectRequest = CollectRequestFields & { readonly merchantId: null; readonly requesterUserId: string; readonly payToAddress: string };

/** Exactly one kind of requester (the table's collect_requests_one_requester holds the same). */
export type CollectRequest = MerchantCollectRequest | PersonCollectRequest;

/**
 * The request as it is at `now`: a pending request past its expiry is expired (U69) even before the
 * expiry poller has written it, so nobody ever sees or acts on it as pending after its expiry.
 */
export function collectRequestAt<T extends CollectRequest>(request: T, now: Date): T {
  if (request.status !== 'pending' || now.getTime() < request.expiresAt.getTime()) return request;
  return { ...request, status: 'expired', resultCode: RESULT_CODES.COLLECT_EXPIRED, decidedAt: request.expiresAt };
}

/**
 * The order a collect request is paid through, by a reference the merchant API cannot make (":" is
 * outside a merchant reference's characters): no order of the merchant's can stand in for it.
 */
export function collectOrderReference(collectRequestId: string): string {
  return `collect:${collectRequestId}`;
}
