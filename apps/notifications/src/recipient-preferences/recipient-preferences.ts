/**
 * The language and time zone one user reads receipts in, as identity last announced them
 * (identity.user.preferences-changed.v1). Either may be null (never set): the receipt then falls back
 * to en-IN or Asia/Kolkata. `changedAt` orders announcements, which may arrive out of order.
 */
export interface RecipientPreferences {
  readonly userId: string;
  readonly locale: string | null;
  readonly timeZone: string | null;
  readonly changedAt: Date;
}
