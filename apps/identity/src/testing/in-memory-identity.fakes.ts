import type { OutgoingEvent, TransactionScope } from '@kirim/messaging';
import type { EntityManager } from 'typeorm';
import { BankAccountDirectory, BankAccountDiscovery, DiscoverableBankAccount } from '../bank-accounts/bank-account-directory';
import type { LinkedBankAccount } from '../bank-accounts/linked-bank-account';
import { LinkedBankAccountRepository } from '../bank-accounts/linked-bank-account.repository';
import { TransactionRunner } from '@kirim/messaging';
import { LookupHit, PayeeReference, PaymentPartyReader, PaymentPartyRecord } from '../payment-parties/payment-party-reader';
import { PayeeLookupBucketRepository } from '../payees/payee-lookup-bucket.repository';
import type { User, UserPreferences } from '../users/user';
import { UserRepository } from '../users/user.repository';

/*
 * In-memory stand-ins for identity's ports, for unit specs (no I/O). Not used by the service.
 */

/** Runs work "in a transaction": events count as published only if the work resolves. */
export class FakeTransactions extends TransactionRunner {
  readonly published: OutgoingEvent[] = [];
  transactions = 0;

  async run<T>(work: (tx: TransactionScope) => Promise<T>): Promise<T> {
    this.transactions += 1;
    const pending: OutgoingEvent[] = [];
    const afterCommit: (() => void)[] = [];
    const scope: TransactionScope = {
      // The fakes below never touch the manager; a use case that did would fail loudly here.
      manager: {} as EntityManager,
      publish: async <E extends object>(event: OutgoingEvent<E>) => {
        pending.push(event);
      },
      afterCommit: (callback) => void afterCommit.push(callback),
    };
    const result = await work(scope);
    this.published.push(...pending);
    for (const callback of afterCommit) callback();
    return result;
  }
}

export class InMemoryUsers extends UserRepository {
  readonly rows = new Map<string, User>();

  add(user: User): User {
    this.rows.set(user.id, user);
    return user;
  }

  async findById(id: string): Promise<User | null> {
    return this.rows.get(id) ?? null;
  }

  async findByPhone(phone: string): Promise<User | null> {
    return [...this.rows.values()].find((user) => user.phone === phone) ?? null;
  }

  async insertIfPhoneFree(_tx: TransactionScope, user: User): Promise<boolean> {
    if (await this.findByPhone(user.phone)) return false;
    this.rows.set(user.id, user);
    return true;
  }

  async lockById(_tx: TransactionScope, id: string): Promise<User | null> {
    return this.findById(id);
  }

  async lockByPhone(_tx: TransactionScope, phone: string): Promise<User | null> {
    return this.findByPhone(phone);
  }

  async savePreferences(_tx: TransactionScope, userId: string, preferences: UserPreferences & { readonly changedAt: Date }): Promise<void> {
    const user = this.rows.get(userId);
    if (!user) throw new Error(`no user ${userId}`);
    this.rows.set(userId, { ...user, preferences: { locale: preferences.locale, timeZone: preferences.timeZone, changedAt: preferences.changedAt } });
  }

  async saveAppPresenceChangedAt(_tx: TransactionScope, userId: string, changedAt: Date): Promise<void> {
    const user = this.rows.get(userId);
    if (!user) throw new Error(`no user ${userId}`);
    this.rows.set(userId, { ...user, appPresenceChangedAt: changedAt });
  }
}

export class InMemoryLinkedAccounts extends LinkedBankAccountRepository {
  readonly rows: LinkedBankAccount[] = [];

  add(account: LinkedBankAccount): LinkedBankAccount {
    this.rows.push(account);
    return account;
  }

  async listByUser(userId: string): Promise<LinkedBankAccount[]> {
    return this.rows
      .filter((account) => account.userId === userId)
      .sort((a, b) => Number(b.isPrimary) - Number(a.isPrimary) || a.linkedAt.getTime() - b.linkedAt.getTime());
  }

  async listByUserIn(_tx: TransactionScope, userId: string): Promise<LinkedBankAccount[]> {
    return this.listByUser(userId);
  }

  async findPrimary(userId: string): Promise<LinkedBankAccount | null> {
    return this.rows.find((account) => account.userId === userId && account.isPrimary) ?? null;
  }

  async insert(_tx: TransactionScope, account: LinkedBankAccount): Promise<void> {
    if (this.rows.some((row) => row.userId === account.userId && row.accountRef === account.accountRef)) {
      throw new Error('unique violation: (user_id, account_ref)');
    }
    this.rows.push(account);
  }
}

/** Payment parties read from the in-memory users and accounts, as the TypeORM reader reads the tables, paying from `buckets`. */
export class InMemoryPaymentPartyReader extends PaymentPartyReader {
  constructor(
    private readonly users: InMemoryUsers,
    private readonly accounts: InMemoryLinkedAccounts,
    private readonly buckets: PayeeLookupBucketRepository,
  ) {
    super();
  }

  async read(payerUserId: string, payee: PayeeReference | null, hit: LookupHit): Promise<{ payer: PaymentPartyRecord | null; payee: PaymentPartyRecord | null; hitTaken: boolean }> {
    const payeeUser = payee === null ? null : 'phone' in payee ? await this.users.findByPhone(payee.phone) : await this.users.findById(payee.userId);
    const payer = await this.recordOf(await this.users.findById(payerUserId));
    const hitTaken = payer !== null && (await this.buckets.take(payer.userId, hit.cost, hit.now, hit.policy)).taken;
    return { payer, payee: await this.recordOf(payeeUser), hitTaken };
  }

  private async recordOf(user: User | null): Promise<PaymentPartyRecord | null> {
    if (user === null) return null;
    const primary = await this.accounts.findPrimary(user.id);
    return { userId: user.id, displayName: user.displayName, primaryAccount: primary ? { bankCode: primary.bankCode, accountRef: primary.accountRef } : null };
  }
}

/** Answers from a phone -> accounts map, or as unavailable; records the lookups it was asked. */
export class FakeBankAccountDirectory extends BankAccountDirectory {
  readonly accountsByMobile = new Map<string, DiscoverableBankAccount[]>();
  readonly lookups: string[] = [];
  available = true;

  async findAccountsByMobile(mobile: string): Promise<BankAccountDiscovery> {
    this.lookups.push(mobile);
    if (!this.available) return { ok: false, reason: 'unavailable' };
    return { ok: true, accounts: this.accountsByMobile.get(mobile) ?? [] };
  }
}

export function aUser(overrides: Partial<User> = {}): User {
  return {
    id: overrides.id ?? '11111111-1111-4111-8111-111111111111',
    phone: overrides.phone ?? '+919876500001',
    displayName: overrides.displayName ?? 'Asha',
    createdAt: overrides.createdAt ?? new Date('2025-01-01T00:00:00Z'),
  };
}

export function aLinkedAccount(overrides: Partial<LinkedBankAccount> & Pick<LinkedBankAccount, 'userId'>): LinkedBankAccount {
  return {
    id: overrides.id ?? '22222222-2222-4222-8222-222222222222',
    userId: overrides.userId,
    bankCode: overrides.bankCode ?? 'SBXA',
    accountRef: overrides.accountRef ?? '33333333-3333-4333-8333-333333333333',
    maskedAccountNumber: overrides.maskedAccountNumber ?? 'XXXXXXXX1234',
    holderName: overrides.holderName === undefined ? 'Asha Kumari' : overrides.holderName,
    bankName: overrides.bankName === undefined ? 'Sandbox Bank A' : overrides.bankName,
    isPrimary: overrides.isPrimary ?? true,
    linkedAt: overrides.linkedAt ?? new Date('2025-01-02T00:00:00Z'),
  };
}
