import { Type } from 'class-transformer';
import { Equals, IsDefined, IsString, Length, Matches, ValidateNested } from 'class-validator';
import { E164_PATTERN } from '../values/identifiers';

/*
 * What a device and the SMS provider must agree on with identity to bind a device
 * (docs/device-binding.md). Framework-free, so clients and the SMS simulator share it.
 */

/** `typ` of the JWS a device signs with its bound key to prove it holds it. */
export const DEVICE_PROOF_TYPE = 'kirim-device-proof+jwt';
/** `aud` of a device proof: identity, the only party that checks them. */
export const DEVICE_PROOF_AUDIENCE = 'kirim-identity';
/** What a proof is for (`purpose` claim), so a proof made for one request cannot serve another. */
export const DEVICE_PROOF_PURPOSES = {
  /** Completes a binding: `sub` is the bindingId. */
  COMPLETE_BINDING: 'complete-binding',
  /** Exchanges a refresh token: `sub` is the bindingId, `rth` the SHA-256 (base64url) of the refresh token. */
  REFRESH: 'refresh',
} as const;
export type DeviceProofPurpose = (typeof DEVICE_PROOF_PURPOSES)[keyof typeof DEVICE_PROOF_PURPOSES];
/** How old (by `iat`) a proof may be when identity receives it. */
export const DEVICE_PROOF_MAX_AGE_SECONDS = 60;

/** A binding token as identity issues it and the device sends it by SMS: 32 random bytes, base64url. */
export const BINDING_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

/** Standard Webhooks event type of an SMS received at the platform's virtual number. */
export const SMS_RECEIVED_EVENT_TYPE = 'sms.received';

export class ReceivedSms {
  /** The provider's id of the message. */
  @IsString()
  @Length(1, 128)
  messageId!: string;

  /** The sender's number as the mobile network delivered it (E.164): what proves the SIM. */
  @IsString()
  @Matches(E164_PATTERN, { message: 'from must be an E.164 phone number' })
  from!: string;

  /** The platform's virtual number the SMS was sent to. */
  @IsString()
  @Matches(E164_PATTERN, { message: 'to must be an E.164 phone number' })
  to!: string;

  /** The text as received; a binding SMS carries the binding token. */
  @IsString()
  @Length(0, 1600)
  text!: string;

  /** When the provider received it, ISO 8601. */
  @IsString()
  @Matches(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/, { message: 'receivedAt must be an ISO 8601 UTC timestamp' })
  receivedAt!: string;
}

/** The body of the SMS provider's inbound webhook (Standard Webhooks' `{ type, timestamp, data }`). */
export class SmsReceivedWebhook {
  @Equals(SMS_RECEIVED_EVENT_TYPE)
  type!: typeof SMS_RECEIVED_EVENT_TYPE;

  @IsString()
  @Matches(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/, { message: 'timestamp must be an ISO 8601 UTC timestamp' })
  timestamp!: string;

  @IsDefined()
  @ValidateNested()
  @Type(() => ReceivedSms)
  data!: ReceivedSms;
}
