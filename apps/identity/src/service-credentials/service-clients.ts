import { createHash, timingSafeEqual } from 'node:crypto';
import { isServicePrincipal, ServicePrincipal } from '@kirim/contracts';

/** Which services exist as clients of identity, and whether a presented secret is theirs. */
export abstract class ServiceClients {
  abstract isValidSecret(client: ServicePrincipal, secret: string): boolean;
}

/**
 * `SERVICE_CLIENT_DIGESTS`: `name:sha256hex` pairs, comma-separated, for each service that calls
 * others (identity mints its own tokens and needs none); a service may appear twice while its
 * secret is rotated, so old and new secret both work until every replica has the new one. identity holds only digests, so reading its
 * environment does not hand out the services' secrets. A plain SHA-256 is enough: the secrets are 32
 * random bytes, so there is nothing for a slow password hash to protect against.
 */
export function parseServiceClientDigests(value: string): { ok: true; digests: ReadonlyMap<ServicePrincipal, readonly Buffer[]> } | { ok: false; reason: string } {
  const digests = new Map<ServicePrincipal, Buffer[]>();
  for (const entry of value.split(',').map((part) => part.trim()).filter((part) => part.length > 0)) {
    const match = /^([a-z-]+):([0-9a-f]{64})$/.exec(entry);
    if (!match) return { ok: false, reason: 'must be a comma-separated list of <service>:<sha256 hex>' };
    const [, name, hex] = match;
    if (!isServicePrincipal(name)) return { ok: false, reason: `names ${name}, which is not a kirim service` };
    const known = digests.get(name) ?? [];
    if (known.length === MAX_SECRETS_PER_SERVICE) return { ok: false, reason: `names ${name} more than twice (old and new secret during a rotation)` };
    digests.set(name, [...known, Buffer.from(hex, 'hex')]);
  }
  return { ok: true, digests };
}

const MAX_SECRETS_PER_SERVICE = 2;

export function serviceSecretDigest(secret: string): Buffer {
  return createHash('sha256').update(secret, 'utf8').digest();
}

export class ConfiguredServiceClients extends ServiceClients {
  constructor(private readonly digests: ReadonlyMap<ServicePrincipal, readonly Buffer[]>) {
    super();
  }

  isValidSecret(client: ServicePrincipal, secret: string): boolean {
    const presented = serviceSecretDigest(secret);
    // Compared in constant time: the digest of a guess says nothing about how close it was.
    return (this.digests.get(client) ?? []).some((expected) => timingSafeEqual(expected, presented));
  }
}
