import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IHeaders, Message } from 'kafkajs';
import {
  CE_CONTENT_TYPE,
  CE_HEADERS,
  CE_SPEC_VERSION,
  EVENT_CATALOGUE,
  EventType,
  JSONWebKeySetLike,
  loadRecordSigningKey,
  RecordSigningKey,
  SIGNATURE_HEADER,
  signRecord,
} from '@kirim/contracts';
import { kirimHome } from './config';

/**
 * Records as the parties that sign them would produce them, for tests that play a compromised or
 * buggy party: they hold a real signing key (read from where scripts/stack.sh keeps the local
 * stack's keys) and broker credentials, and try to move money they should not.
 */

/** A kirim service's own signing key, as the local stack made it (.local/keys/messages). */
export function serviceSigningKey(service: 'payments' | 'bank-connector'): RecordSigningKey {
  const dir = join(kirimHome(), 'keys', 'messages');
  return loadRecordSigningKey(readFileSync(join(dir, `${service}.pem`), 'utf8'), readFileSync(join(dir, `${service}.kid`), 'utf8').trim());
}

/** The platform JWKS as the local stack wrote it (.local/keys/messages/platform.jwks.json): what partner banks read. */
export function platformJwks(): JSONWebKeySetLike {
  return JSON.parse(readFileSync(join(kirimHome(), 'keys', 'messages', 'platform.jwks.json'), 'utf8')) as JSONWebKeySetLike;
}

/** The example partner bank's signing key (.local/keys/partners/<code>), with the kid its JWKS publishes. */
export function partnerSigningKey(bankCode: string): RecordSigningKey {
  const dir = join(kirimHome(), 'keys', 'partners', bankCode);
  const jwks = JSON.parse(readFileSync(join(dir, 'jwks.json'), 'utf8')) as JSONWebKeySetLike;
  const kid = jwks.keys.find((key) => key.use === 'sig')?.kid;
  if (!kid) throw new Error(`the JWKS of ${bankCode} lists no signing key`);
  return loadRecordSigningKey(readFileSync(join(dir, 'signing-key.pem'), 'utf8'), kid);
}

export interface RecordInput {
  readonly type: EventType;
  readonly key: string;
  readonly data: object;
  /** Defaults to the type's rightful source from the catalogue (a partner source must be given). */
  readonly source?: string;
  /** Defaults to now. */
  readonly time?: Date;
  readonly id?: string;
}

/** A well-formed binary-mode CloudEvent record, unsigned. */
export function cloudEventRecord(input: RecordInput): Message {
  const source = input.source ?? EVENT_CATALOGUE[input.type].source;
  const headers: IHeaders = {
    [CE_HEADERS.SPEC_VERSION]: CE_SPEC_VERSION,
    [CE_HEADERS.ID]: input.id ?? randomUUID(),
    [CE_HEADERS.SOURCE]: source,
    [CE_HEADERS.TYPE]: input.type,
    [CE_HEADERS.TIME]: (input.time ?? new Date()).toISOString(),
    [CE_HEADERS.CONTENT_TYPE]: CE_CONTENT_TYPE,
  };
  return { key: input.key, value: JSON.stringify(input.data), headers };
}

/** `message` with a `kirim_signature` by `key`, for `topic` (unprefixed). */
export async function signed(topic: string, message: Message, key: RecordSigningKey): Promise<Message> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) headers[name] = String(value);
  const signature = await signRecord({ topic, key: String(message.key), headers, value: Buffer.from(String(message.value)) }, key);
  return { ...message, headers: { ...(message.headers ?? {}), [SIGNATURE_HEADER]: signature } };
}
