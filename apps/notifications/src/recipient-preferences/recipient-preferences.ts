/**
 * What notifications knows of one user's reading, as identity last announced it: the language and
 * time zone receipts are written in (identity.user.preferences-changed.v1) and whether the user has
 * the app (identity.user.app-presence-changed.v1; receipts go by SMS to one without it). The two
 * announcements are kept apart, each newest by its own changedAt, since they may arrive in any order.
 */
export interface RecipientPreferences {
  readonly userId: string;
  /** Null when never set (or never announced): the receipt then falls back to en-IN. */
  readonly locale: string | null;
  /** Null when never set (or never announced): the receipt then falls back to Asia/Kolkata. */
  readonly timeZone: string | null;
  /** When identity changed the language and time zone; null while it has announced only the app presence. */
  readonly changedAt: Date | null;
  /** Whether the user has the app on a device; absent while identity announced none (such a user has it). */
  readonly hasApp?: boolean;
  /** When identity stored that presence; present with hasApp. */
  readonly appPresenceChangedAt?: Date;
}

/** identity.user.preferences-changed.v1 as stored: both fields as they now stand. */
export interface AnnouncedPreferences {
  readonly userId: string;
  readonly locale: string | null;
  readonly timeZone: string | null;
  readonly changedAt: Date;
}

/** identity.user.app-presence-changed.v1 as stored. */
export interface AnnouncedAppPresence {
  readonly userId: string;
  readonly hasApp: boolean;
  readonly changedAt: Date;
}
