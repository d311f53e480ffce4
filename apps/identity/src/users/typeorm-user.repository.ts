import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { TransactionScope } from '@kirim/messaging';
import { DataSource } from 'typeorm';
import type { User } from './user';
import { UserEntity } from './user.entity';
import { UserRepository } from './user.repository';

function toUser(entity: UserEntity): User {
  return { id: entity.id, phone: entity.phone, displayName: entity.displayName, createdAt: entity.createdAt };
}

@Injectable()
export class TypeOrmUserRepository extends UserRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super();
  }

  async findById(id: string): Promise<User | null> {
    const entity = await this.dataSource.getRepository(UserEntity).findOneBy({ id });
    return entity ? toUser(entity) : null;
  }

  async findByPhone(phone: string): Promise<User | null> {
    const entity = await this.dataSource.getRepository(UserEntity).findOneBy({ phone });
    return entity ? toUser(entity) : null;
  }

  async insertIfPhoneFree(tx: TransactionScope, user: User): Promise<boolean> {
    // ON CONFLICT DO NOTHING rather than catching 23505: a failed statement would abort the whole
    // transaction, and two concurrent registrations of one phone must both end cleanly.
    const result = await tx.manager
      .createQueryBuilder()
      .insert()
      .into(UserEntity)
      .values({ id: user.id, phone: user.phone, displayName: user.displayName, createdAt: user.createdAt })
      .orIgnore()
      .returning(['id'])
      .execute();
    return Array.isArray(result.raw) && result.raw.length === 1;
  }

  async lockById(tx: TransactionScope, id: string): Promise<User | null> {
    const entity = await tx.manager
      .getRepository(UserEntity)
      .createQueryBuilder('user')
      .where('user.id = :id', { id })
      .setLock('pessimistic_write')
      .getOne();
    return entity ? toUser(entity) : null;
  }

  async lockByPhone(tx: TransactionScope, phone: string): Promise<User | null> {
    const entity = await tx.manager
      .getRepository(UserEntity)
      .createQueryBuilder('user')
      .where('user.phone = :phone', { phone })
      .setLock('pessimistic_write')
      .getOne();
    return entity ? toUser(entity) : null;
  }
}
