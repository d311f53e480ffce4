import type { JWTPayload } from 'jose';

/** How long a verified token is taken on trust at most: a signing key identity withdraws stops passing within it. */
export const VERIFIED_TOKEN_MAX_AGE_MS = 60_000;
/** Entries kept at most; a full cache drops its oldest entry, so memory stays bounded under any load. */
export const VERIFIED_TOKEN_CACHE_ENTRIES = 20_000;

/**
 * The payloads of tokens whose signature and standard claims `jwtVerify` accepted, keyed by the whole
 * compact token, so a cached answer is only ever given for the very bytes that were verified. A user
 * makes many requests with one access token, and payments calls identity with one service token for
 * minutes: verifying ES256 again for each costs about a millisecond of CPU per hop for nothing.
 *
 * An entry lives until the token expires or VERIFIED_TOKEN_MAX_AGE_MS has passed, whichever is first;
 * a miss goes through `jwtVerify` again, which then names the reason (expired, unknown key). The
 * checks a guard makes after `jwtVerify` (claims, revocation of a device binding) run on every
 * request, cached or not. No library here caches verification results by token, hence this class.
 */
export class VerifiedTokenCache {
  private readonly entries = new Map<string, { readonly payload: JWTPayload; readonly until: number }>();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxAgeMs = VERIFIED_TOKEN_MAX_AGE_MS,
    private readonly maxEntries = VERIFIED_TOKEN_CACHE_ENTRIES,
  ) {}

  /** The payload `token` was verified with, if it was and still may be trusted; else `verify`'s, remembered. */
  async verified(token: string, verify: (token: string) => Promise<{ payload: JWTPayload }>): Promise<JWTPayload> {
    const now = this.now();
    const hit = this.entries.get(token);
    if (hit !== undefined) {
      if (now < hit.until) return hit.payload;
      this.entries.delete(token);
    }
    const { payload } = await verify(token);
    // exp is required by every guard's jwtVerify; one without it is never cached.
    if (typeof payload.exp === 'number') {
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
      this.entries.set(token, { payload, until: Math.min(payload.exp * 1000, now + this.maxAgeMs) });
    }
    return payload;
  }
}
