import { Money, PaymentStatus, ResultCode } from '@kirim/contracts';

/** Where one side of a payment keeps its money: the bank and the bank's own handle for the account. */
export interface AccountAtBank {
  readonly bankCode: string;
  /** The bank's reference for the account (never the account number). */
  readonly accountRef: string;
}

/** The payment aggregate as the domain sees it: plain, immutable, no TypeORM. */
export interface Payment {
  readonly id: string;
  readonly txnId: string;
  readonly payerUserId: string;
  readonly payeeUserId: string;
  readonly payer: AccountAtBank;
  readonly payee: AccountAtBank;
  /** Kept so an idempotent replay can answer with the same body as the first response. */
  readonly payeeDisplayName: string | null;
  readonly amount: Money;
  readonly status: PaymentStatus;
  readonly resultCode: ResultCode | null;
  readonly rrn: string | null;
  readonly debitRequestId: string | null;
  readonly creditRequestId: string | null;
  readonly reversalRequestId: string | null;
  readonly note: string | null;
  /**
   * The leg timer: when to check on the pending leg (debit, credit or reversal) if its answer has
   * not come. Set while the payment is `*_pending`, null otherwise (see leg-timer.ts).
   */
  readonly legCheckAt: Date | null;
  /** Status checks (re-sends of the pending leg's command) made for the current leg. */
  readonly legChecks: number;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** The PSP prefix of kirim's UPI-style transaction ids (UPI: 3 characters identifying the PSP). */
export const TXN_ID_PREFIX = 'KRM';

/** UPI-style transaction id: the 3-character PSP prefix + the 32 hex digits of a uuid = 35 characters. */
export function txnIdFromUuid(uuid: string): string {
  return `${TXN_ID_PREFIX}${uuid.replace(/-/g, '').toUpperCase()}`;
}

export interface NewPaymentInput {
  readonly id: string;
  readonly payerUserId: string;
  readonly payeeUserId: string;
  readonly payer: AccountAtBank;
  readonly payee: AccountAtBank;
  readonly payeeDisplayName: string | null;
  readonly amount: Money;
  readonly note: string | null;
  readonly at: Date;
}

/** A payment in its first state, `created`; the state machine moves it on. */
export function createPayment(input: NewPaymentInput): Payment {
  return {
    id: input.id,
    txnId: txnIdFromUuid(input.id),
    payerUserId: input.payerUserId,
    payeeUserId: input.payeeUserId,
    payer: input.payer,
    payee: input.payee,
    payeeDisplayName: input.payeeDisplayName,
    amount: input.amount,
    status: 'created',
    resultCode: null,
    rrn: null,
    debitRequestId: null,
    creditRequestId: null,
    reversalRequestId: null,
    note: input.note,
    legCheckAt: null,
    legChecks: 0,
    createdAt: input.at,
    updatedAt: input.at,
  };
}
