import { readFileSync } from 'node:fs';
import {
  EVENT_CATALOGUE,
  expectedSigner,
  isSignedTopicAddress,
  JSONWebKeySetLike,
  loadRecordSigningKey,
  principalOfPlatformKeyId,
  resolveTopic,
  servicePrincipalOf,
  TrustedSigningKeys,
} from '@kirim/contracts';
import { ConfigError } from '@kirim/platform';
import type { MessagingOptions } from '../messaging.types';
import type { MessageTrustConfig } from './message-trust.config';
import { RecordSigner, RecordVerifier } from './record-trust';

/** Whether the service emits a type that travels on a signed topic (and so needs a signing key). */
function emitsSignedRecords(source: string): boolean {
  return Object.values(EVENT_CATALOGUE).some((spec) => spec.source === source && isSignedTopicAddress(spec.topic));
}

function refuseUnsignedInProduction(config: MessageTrustConfig): void {
  if (config.MESSAGE_SIGNATURES === 'off' && config.NODE_ENV === 'production') {
    throw new ConfigError(['MESSAGE_SIGNATURES=off is refused when NODE_ENV=production: it exists only to measure what signing costs']);
  }
}

/** The relay's signer: this service's key when it emits signed records, none otherwise. Stops the boot on a missing or foreign key. */
export function createRecordSigner(config: MessageTrustConfig, options: MessagingOptions): RecordSigner {
  refuseUnsignedInProduction(config);
  if (config.MESSAGE_SIGNATURES === 'off' || !emitsSignedRecords(options.source)) return new RecordSigner(null);
  const principal = servicePrincipalOf(options.source);
  const problems: string[] = [];
  if (!config.MESSAGE_SIGNING_KEY) problems.push(`MESSAGE_SIGNING_KEY is required: ${principal ?? options.source} emits signed records`);
  if (!config.MESSAGE_SIGNING_KEY_ID) problems.push(`MESSAGE_SIGNING_KEY_ID is required: ${principal ?? options.source} emits signed records`);
  else if (principalOfPlatformKeyId(config.MESSAGE_SIGNING_KEY_ID) !== principal) problems.push(`MESSAGE_SIGNING_KEY_ID must name this service (${principal}:<label>)`);
  if (problems.length > 0 || !config.MESSAGE_SIGNING_KEY || !config.MESSAGE_SIGNING_KEY_ID) throw new ConfigError(problems);
  try {
    return new RecordSigner(loadRecordSigningKey(config.MESSAGE_SIGNING_KEY, config.MESSAGE_SIGNING_KEY_ID));
  } catch (error) {
    throw new ConfigError([`MESSAGE_SIGNING_KEY: ${error instanceof Error ? error.message : String(error)}`]);
  }
}

/** The platform JWKS named by MESSAGE_TRUSTED_KEYS_FILE. */
export async function loadPlatformKeys(file: string): Promise<TrustedSigningKeys> {
  let jwks: JSONWebKeySetLike;
  try {
    jwks = JSON.parse(readFileSync(file, 'utf8')) as JSONWebKeySetLike;
  } catch (error) {
    throw new ConfigError([`MESSAGE_TRUSTED_KEYS_FILE cannot be read as JSON: ${error instanceof Error ? error.message : String(error)}`]);
  }
  try {
    return await TrustedSigningKeys.ofPlatform(jwks);
  } catch (error) {
    throw new ConfigError([`MESSAGE_TRUSTED_KEYS_FILE: ${error instanceof Error ? error.message : String(error)}`]);
  }
}

/**
 * The consumer's verifier: the platform's keys (and those of partner banks the service reads),
 * or none for a service that reads no signed topic. Stops the boot when a signer the consumed
 * topics need has no trusted key, rather than dead-lettering every record later.
 */
export async function createRecordVerifier(config: MessageTrustConfig, options: MessagingOptions): Promise<RecordVerifier | undefined> {
  refuseUnsignedInProduction(config);
  const window = { maxAgeMs: config.MESSAGE_MAX_AGE_MS, maxFutureSkewMs: config.MESSAGE_MAX_FUTURE_SKEW_MS };
  const signedTopics = (options.consumer?.topics ?? []).filter((topic) => {
    const resolved = resolveTopic(topic);
    return resolved !== undefined && isSignedTopicAddress(resolved.address);
  });
  if (signedTopics.length === 0) return undefined;
  if (config.MESSAGE_SIGNATURES === 'off') return new RecordVerifier(null, window);
  if (!config.MESSAGE_TRUSTED_KEYS_FILE) throw new ConfigError([`MESSAGE_TRUSTED_KEYS_FILE is required: this service reads signed topics (${signedTopics.join(', ')})`]);
  const platform = await loadPlatformKeys(config.MESSAGE_TRUSTED_KEYS_FILE);
  const trusted = options.trustedSigners ? platform.merge(options.trustedSigners) : platform;
  const problems: string[] = [];
  for (const topic of signedTopics) {
    const resolved = resolveTopic(topic);
    if (!resolved) continue;
    const signers = new Set(Object.values(EVENT_CATALOGUE).filter((spec) => spec.topic === resolved.address).map((spec) => expectedSigner(spec, resolved)));
    for (const signer of signers) {
      if (signer !== null && trusted.keyIdsOf(signer).length === 0) problems.push(`no trusted signing key of ${signer}, who signs the records of ${topic}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return new RecordVerifier(trusted, window);
}
