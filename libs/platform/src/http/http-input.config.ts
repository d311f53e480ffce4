import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';

/** 64 KiB: our largest body (a payment with a note and a PIN ciphertext) is well under 4 KiB. */
export const DEFAULT_HTTP_BODY_LIMIT_BYTES = 64 * 1024;
/** A ceiling so a typo cannot make every service buffer megabytes per request. */
export const MAX_HTTP_BODY_LIMIT_BYTES = 1024 * 1024;

const BODY_LIMIT_MESSAGE = `$property must be an integer number of bytes between 1024 and ${MAX_HTTP_BODY_LIMIT_BYTES}`;

/**
 * The HTTP input settings every service shares; BaseServiceConfig extends it, so a service's own
 * config validates them at boot and createServiceApp reads them without knowing the service's class.
 */
export class HttpInputConfig {
  /** Larger request bodies are refused with 413 before they are parsed. */
  @Type(() => Number)
  @IsInt({ message: BODY_LIMIT_MESSAGE })
  @Min(1024, { message: BODY_LIMIT_MESSAGE })
  @Max(MAX_HTTP_BODY_LIMIT_BYTES, { message: BODY_LIMIT_MESSAGE })
  HTTP_BODY_LIMIT_BYTES = DEFAULT_HTTP_BODY_LIMIT_BYTES;
}
