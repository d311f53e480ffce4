/** A registered user. `phone` is personal data: it stays inside identity (not in logs or events). */
export interface User {
  readonly id: string;
  readonly phone: string;
  readonly displayName: string;
  readonly createdAt: Date;
  /** Absent on a user being registered; read back, it is always there (each field null until set). */
  readonly preferences?: UserPreferences;
  /**
   * The `changedAt` of the last identity.user.app-presence-changed.v1 announced for the user (null:
   * none yet), so the next one is later. Absent on a user being registered, like `preferences`.
   */
  readonly appPresenceChangedAt?: Date | null;
}

/**
 * The language and time zone a user reads receipts in: a canonical BCP 47 tag and an IANA zone,
 * each null until the user sets it. `changedAt` is when they last changed (null: never).
 */
export interface UserPreferences {
  readonly locale: string | null;
  readonly timeZone: string | null;
  readonly changedAt: Date | null;
}
