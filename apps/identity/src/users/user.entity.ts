import { Column, CreateDateColumn, Entity, PrimaryColumn } from 'typeorm';

/**
 * A kirim user, known by an E.164 phone number (personal data: never logged, never in events). The
 * number is stored encrypted and found by its keyed hash (docs/data-at-rest.md); only
 * TypeOrmUserRepository reads and writes these two columns.
 */
@Entity({ name: 'users' })
export class UserEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** FieldEncryption value, purpose `users.phone`. */
  @Column({ name: 'phone_encrypted', type: 'text' })
  phoneEncrypted!: string;

  /** LookupHasher.phoneNumber of the number: unique, as the number is. */
  @Column({ name: 'phone_hash', type: 'char', length: 43, unique: true })
  phoneHash!: string;

  @Column({ name: 'display_name', type: 'varchar', length: 80 })
  displayName!: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt!: Date;

  /** Canonical BCP 47 tag; null until the user sets one. */
  @Column({ type: 'varchar', length: 35, nullable: true })
  locale!: string | null;

  /** IANA time zone, as the user gave it; null until set. */
  @Column({ name: 'time_zone', type: 'varchar', length: 64, nullable: true })
  timeZone!: string | null;

  @Column({ name: 'preferences_changed_at', type: 'timestamptz', nullable: true })
  preferencesChangedAt!: Date | null;

  /** The changedAt of the last identity.user.app-presence-changed.v1 announced; null until the first. */
  @Column({ name: 'app_presence_changed_at', type: 'timestamptz', nullable: true })
  appPresenceChangedAt!: Date | null;
}
