import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { Money } from '@kirim/contracts';
import { isUniqueViolation } from '../ledger/database';
import { generateAccountNumber, maskedAccountNumber } from './account-number';
import type { OpenAccountRequest } from './open-account.request';

/** An account as the admin API shows it: masked number only, balance as money. */
export interface AccountView {
  readonly accountRef: string;
  readonly maskedAccountNumber: string;
  readonly holderName: string;
  readonly balance: Money;
  readonly openedAt: Date;
}

interface AccountRow {
  account_ref: string;
  account_number: string;
  holder_name: string;
  balance_minor: string;
  currency: string;
  opened_at: Date;
}

const COLUMNS = 'account_ref, account_number, holder_name, balance_minor, currency, opened_at';
const NUMBER_ATTEMPTS = 5;

function view(row: AccountRow): AccountView {
  return {
    accountRef: row.account_ref,
    maskedAccountNumber: maskedAccountNumber(row.account_number),
    holderName: row.holder_name,
    balance: Money.ofMinor(BigInt(row.balance_minor), 'INR'),
    openedAt: row.opened_at,
  };
}

export class AccountsRepository {
  constructor(private readonly pool: Pool) {}

  /** Opens an account with a fresh 12-digit number (a new one on the rare collision) and an opaque UUID reference. */
  async open(request: OpenAccountRequest): Promise<AccountView> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const { rows } = await this.pool.query<AccountRow>(
          `INSERT INTO accounts (account_ref, account_number, mobile, holder_name, currency, opening_balance_minor, balance_minor)
           VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING ${COLUMNS}`,
          [randomUUID(), generateAccountNumber(), request.mobile, request.holderName, request.openingBalance.currency, request.openingBalance.minorUnits.toString()],
        );
        return view(rows[0]);
      } catch (error) {
        if (!isUniqueViolation(error) || attempt >= NUMBER_ATTEMPTS) throw error;
      }
    }
  }

  async byMobile(mobile: string): Promise<AccountView[]> {
    const { rows } = await this.pool.query<AccountRow>(`SELECT ${COLUMNS} FROM accounts WHERE mobile = $1 ORDER BY opened_at, account_ref`, [mobile]);
    return rows.map(view);
  }

  async byRef(accountRef: string): Promise<AccountView | undefined> {
    const { rows } = await this.pool.query<AccountRow>(`SELECT ${COLUMNS} FROM accounts WHERE account_ref = $1`, [accountRef]);
    return rows[0] ? view(rows[0]) : undefined;
  }
}
