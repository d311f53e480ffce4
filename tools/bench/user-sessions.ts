import { Api, DeviceSession, Party } from '../../apps/e2e/src/support/api';
import { pool } from './task-pool';

/**
 * The bench's simulated users keep their sessions alive as an app does: access tokens live 5
 * minutes (identity's ACCESS_TOKEN_TTL_SECONDS), a run under chaos lasts longer, so a token is
 * refreshed when it is about to expire or is refused (401).
 *
 * If a refresh's answer was lost (identity killed after committing it), the next refresh presents
 * a rotated token, identity takes that as theft and revokes the binding (docs/device-binding.md).
 * The user then signs in again on a new device, as a person would.
 */

/** Thrown when identity cannot be reached right now; the caller retries later. */
export class SessionUnavailable extends Error {
  constructor(detail: string) {
    super(`cannot renew a session now: ${detail}`);
    this.name = 'SessionUnavailable';
  }
}

type UserSession = Party & DeviceSession;

/** Seconds before expiry at which a token is refreshed ahead of use. */
const RENEW_AHEAD_SECONDS = 60;

export class SessionKeeper {
  private readonly sessions = new Map<string, UserSession>();
  /** userId -> its access token's `exp` (epoch seconds), read once per token. */
  private readonly expiries = new Map<string, number>();
  private readonly renewals = new Map<string, Promise<void>>();
  private renewedCount = 0;
  private reboundCount = 0;

  constructor(
    private readonly api: Api,
    parties: readonly Party[],
  ) {
    for (const party of parties) {
      if (!party.device || !party.bindingId || !party.refreshToken) throw new Error(`user ${party.userId} has no device session to keep alive`);
      this.keep(party as UserSession);
    }
  }

  /** How many sessions were refreshed, and how many users had to bind a new device. */
  get stats(): { refreshed: number; rebound: number } {
    return { refreshed: this.renewedCount, rebound: this.reboundCount };
  }

  /** The user's party with a token that is valid for at least a minute. */
  async current(userId: string): Promise<Party> {
    return this.fresh(userId) ?? (await this.renewAndGet(userId));
  }

  /** The user's party when its token is valid for at least a minute; undefined when it needs renewing (current() does). */
  fresh(userId: string): Party | undefined {
    const session = this.sessionOf(userId);
    return this.secondsLeft(userId) > RENEW_AHEAD_SECONDS ? session : undefined;
  }

  /**
   * Renews, `parallelism` at a time, every token that expires within `seconds`: before a timed load,
   * so that renewals do not land in it (access tokens live 5 minutes; seeding thousands of users
   * takes minutes).
   */
  async renewExpiringWithin(seconds: number, parallelism: number): Promise<number> {
    const expiring = [...this.sessions.keys()].filter((userId) => this.secondsLeft(userId) < seconds);
    await pool(expiring, parallelism, async (userId) => this.renew(userId, this.sessionOf(userId).accessToken));
    return expiring.length;
  }

  private async renewAndGet(userId: string): Promise<Party> {
    await this.renew(userId, this.sessionOf(userId).accessToken);
    return this.sessionOf(userId);
  }

  private secondsLeft(userId: string): number {
    return (this.expiries.get(userId) ?? 0) - Date.now() / 1000;
  }

  private keep(session: UserSession): void {
    this.sessions.set(session.userId, session);
    this.expiries.set(session.userId, tokenExpiry(session.accessToken));
  }

  /** After a 401 with `refusedToken`: renews once, however many requests saw the refusal. */
  async renew(userId: string, refusedToken: string): Promise<void> {
    if (this.sessionOf(userId).accessToken !== refusedToken) return; // someone renewed it meanwhile
    let renewal = this.renewals.get(userId);
    if (!renewal) {
      renewal = this.renewNow(userId).finally(() => this.renewals.delete(userId));
      this.renewals.set(userId, renewal);
    }
    await renewal;
  }

  private sessionOf(userId: string): UserSession {
    const session = this.sessions.get(userId);
    if (!session) throw new Error(`no session for user ${userId}`);
    return session;
  }

  private async renewNow(userId: string): Promise<void> {
    const session = this.sessionOf(userId);
    let refreshed;
    try {
      refreshed = await this.api.refreshTokens(session);
    } catch (error) {
      throw new SessionUnavailable(error instanceof Error ? error.message : String(error));
    }
    if (refreshed.status === 200) {
      const tokens = refreshed.body as { accessToken: string; refreshToken: string };
      this.keep({ ...session, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken });
      this.renewedCount++;
      return;
    }
    if (refreshed.status === 429 || refreshed.status >= 500) throw new SessionUnavailable(`refresh answered ${refreshed.status}`);
    // Refused (rotated token presented again, binding revoked): sign in again on a new device.
    try {
      const rebound = await this.api.login(session.phone);
      this.keep({ ...session, accessToken: rebound.accessToken, refreshToken: rebound.refreshToken, bindingId: rebound.bindingId, device: rebound.device });
      this.reboundCount++;
    } catch (error) {
      throw new SessionUnavailable(`refresh answered ${refreshed.status}, and binding a new device failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** The token's `exp` in epoch seconds (read, not verified: only to know when to refresh); 0 when unreadable. */
function tokenExpiry(accessToken: string): number {
  try {
    const payload = JSON.parse(Buffer.from(accessToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof payload.exp === 'number' ? payload.exp : 0;
  } catch {
    return 0;
  }
}
