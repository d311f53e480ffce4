import type { LegDecision, PartnerAccount, PartnerBankPort, RecordedLeg } from '../legs/partner-bank.port';
import type { AccountLookupRequest, LegRequest } from '../requests/partner-request';

interface FakeState {
  balances: Map<string, bigint>;
  recorded: Map<string, RecordedLeg>;
}

export interface FakeTx {
  readonly state: FakeState;
}

/**
 * A bank's ledger in memory, with real transaction semantics (work on a copy, keep it on commit,
 * drop it on throw), for unit tests of the kit's rules. `movements` counts the balance changes made.
 */
export class FakeBank implements PartnerBankPort<FakeTx> {
  state: FakeState = { balances: new Map(), recorded: new Map() };
  movements = 0;
  transactions = 0;
  lookups: AccountLookupRequest[] = [];
  /** Set to make the next recordLeg fail as a unique-key race would. */
  failNextRecord = false;
  private rrnSeq = 100000000000;

  constructor(
    balances: Record<string, bigint> = {},
    private readonly directory: Record<string, PartnerAccount[]> = {},
  ) {
    for (const [ref, balance] of Object.entries(balances)) this.state.balances.set(ref, balance);
  }

  async inTransaction<T>(work: (tx: FakeTx) => Promise<T>): Promise<T> {
    this.transactions += 1;
    const copy: FakeState = { balances: new Map(this.state.balances), recorded: new Map(this.state.recorded) };
    const movementsBefore = this.movements;
    try {
      const result = await work({ state: copy });
      this.state = copy;
      return result;
    } catch (error) {
      this.movements = movementsBefore;
      throw error;
    }
  }

  async findRecordedLeg(tx: FakeTx, requestId: string): Promise<RecordedLeg | null> {
    return tx.state.recorded.get(requestId) ?? null;
  }

  async applyLeg(tx: FakeTx, leg: LegRequest): Promise<LegDecision> {
    const balance = tx.state.balances.get(leg.accountRef);
    if (balance === undefined) return { outcome: 'declined', resultCode: leg.direction === 'debit' ? 'XH' : 'XI' };
    const delta = leg.direction === 'debit' ? -leg.amount.minorUnits : leg.amount.minorUnits;
    if (balance + delta < 0n) return { outcome: 'declined', resultCode: 'Z9', reason: 'insufficient funds' };
    tx.state.balances.set(leg.accountRef, balance + delta);
    this.movements += 1;
    this.rrnSeq += 1;
    return { outcome: 'succeeded', rrn: String(this.rrnSeq) };
  }

  async recordLeg(tx: FakeTx, leg: LegRequest, decision: LegDecision): Promise<void> {
    if (this.failNextRecord) {
      this.failNextRecord = false;
      // Another delivery recorded it meanwhile: the unique key says no.
      this.state.recorded.set(leg.requestId, { fingerprint: leg.fingerprint, decision: { outcome: 'succeeded', rrn: '999999999999' } });
      throw new Error('duplicate key value violates unique constraint');
    }
    if (tx.state.recorded.has(leg.requestId)) throw new Error('duplicate key value violates unique constraint');
    tx.state.recorded.set(leg.requestId, { fingerprint: leg.fingerprint, decision });
  }

  async lookupAccounts(lookup: AccountLookupRequest): Promise<readonly PartnerAccount[]> {
    this.lookups.push(lookup);
    return this.directory[lookup.mobile] ?? [];
  }

  balanceOf(accountRef: string): bigint | undefined {
    return this.state.balances.get(accountRef);
  }
}
