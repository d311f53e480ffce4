/** A registered user. `phone` is personal data: it stays inside identity (not in logs or events). */
export interface User {
  readonly id: string;
  readonly phone: string;
  readonly displayName: string;
  readonly createdAt: Date;
}
