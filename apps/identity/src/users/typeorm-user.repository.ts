import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { TransactionScope } from '@kirim/messaging';
import { FieldEncryption, LookupHasher, LookupNormalizationError } from '@kirim/platform';
import { DataSource, EntityManager } from 'typeorm';
import { IDENTITY_PURPOSES } from '../persistence/identity-personal-data';
import type { User, UserPreferences } from './user';
import { UserEntity } from './user.entity';
import { UserRepository } from './user.repository';

/**
 * Users in PostgreSQL. The phone number is encrypted here and nowhere else (docs/data-at-rest.md):
 * callers give and get clear numbers; a user is found by the keyed hash of the number, whose unique
 * constraint keeps one user per number as the clear column did.
 */
@Injectable()
export class TypeOrmUserRepository extends UserRepository {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly fields: FieldEncryption,
    private readonly lookups: LookupHasher,
  ) {
    super();
  }

  async findById(id: string): Promise<User | null> {
    const entity = await this.dataSource.getRepository(UserEntity).findOneBy({ id });
    return entity ? this.toUser(entity) : null;
  }

  async findByPhone(phone: string): Promise<User | null> {
    const phoneHash = this.phoneHashOf(phone);
    if (phoneHash === null) return null;
    const entity = await this.dataSource.getRepository(UserEntity).findOneBy({ phoneHash });
    return entity ? this.toUser(entity) : null;
  }

  async insertIfPhoneFree(tx: TransactionScope, user: User): Promise<boolean> {
    // ON CONFLICT DO NOTHING rather than catching 23505: a failed statement would abort the whole
    // transaction, and two concurrent registrations of one phone must both end cleanly. The
    // conflict is on phone_hash: one number, one hash, however it was written.
    const result = await tx.manager
      .createQueryBuilder()
      .insert()
      .into(UserEntity)
      .values({
        id: user.id,
        phoneEncrypted: this.fields.encrypt(IDENTITY_PURPOSES.USER_PHONE, user.phone),
        phoneHash: this.lookups.phoneNumber(user.phone),
        displayName: user.displayName,
        createdAt: user.createdAt,
      })
      .orIgnore()
      .returning(['id'])
      .execute();
    return Array.isArray(result.raw) && result.raw.length === 1;
  }

  async lockById(tx: TransactionScope, id: string): Promise<User | null> {
    return this.lockWhere(tx.manager, 'user.id = :id', { id });
  }

  async lockByPhone(tx: TransactionScope, phone: string): Promise<User | null> {
    const phoneHash = this.phoneHashOf(phone);
    return phoneHash === null ? null : this.lockWhere(tx.manager, 'user.phoneHash = :phoneHash', { phoneHash });
  }

  async savePreferences(tx: TransactionScope, userId: string, preferences: UserPreferences & { readonly changedAt: Date }): Promise<void> {
    await tx.manager.getRepository(UserEntity).update({ id: userId }, { locale: preferences.locale, timeZone: preferences.timeZone, preferencesChangedAt: preferences.changedAt });
  }

  async saveAppPresenceChangedAt(tx: TransactionScope, userId: string, changedAt: Date): Promise<void> {
    await tx.manager.getRepository(UserEntity).update({ id: userId }, { appPresenceChangedAt: changedAt });
  }

  private async lockWhere(manager: EntityManager, where: string, parameters: Record<string, string>): Promise<User | null> {
    const entity = await manager.getRepository(UserEntity).createQueryBuilder('user').where(where, parameters).setLock('pessimistic_write').getOne();
    return entity ? this.toUser(entity) : null;
  }

  private phoneHashOf(phone: string): string | null {
    return phoneLookupHash(this.lookups, phone);
  }

  private toUser(entity: UserEntity): User {
    return {
      id: entity.id,
      phone: this.fields.decrypt(IDENTITY_PURPOSES.USER_PHONE, entity.phoneEncrypted),
      displayName: entity.displayName,
      createdAt: entity.createdAt,
      preferences: { locale: entity.locale, timeZone: entity.timeZone, changedAt: entity.preferencesChangedAt },
      appPresenceChangedAt: entity.appPresenceChangedAt,
    };
  }
}

/** The lookup hash of a number; null for one that is not E.164, which no user can have. */
export function phoneLookupHash(lookups: LookupHasher, phone: string): string | null {
  try {
    return lookups.phoneNumber(phone);
  } catch (error) {
    if (error instanceof LookupNormalizationError) return null;
    throw error;
  }
}
