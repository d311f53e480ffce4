// In-memory stand-ins for bank-connector's ports, for unit tests (*.spec.ts) only.
import { createPrivateKey } from 'node:crypto';
import { bankEncryptionKeyOf, generateEncryptionKeyPair, TrustedSigningKeys } from '@kirim/contracts';
import type { InTransaction } from '@kirim/messaging';
import type { KeyLike } from 'jose';
import type { LegAnswer } from '../bank-legs/bank-leg-result';
import { LockedLookup, LookedUpAccount, PartnerAccountLookupRepository, RequestedLookup } from '../bank-accounts/partner-account-lookup.repository';
import type { NewPartnerLeg, PartnerLeg } from '../partner-banks/partner-leg';
import { PartnerLegRepository } from '../partner-banks/partner-leg.repository';
import { PartnerBank, PartnerRegistry } from '../partner-banks/partner-registry';

export class InMemoryPartnerLegRepository extends PartnerLegRepository {
  readonly rows = new Map<string, PartnerLeg>();

  async recordForwarded(_tx: InTransaction, leg: NewPartnerLeg): Promise<{ readonly created: boolean; readonly leg: PartnerLeg }> {
    const existing = this.rows.get(leg.requestId);
    if (existing) return { created: false, leg: existing };
    const created: PartnerLeg = { ...leg, forwards: 1, answer: null, answeredAt: null };
    this.rows.set(leg.requestId, created);
    return { created: true, leg: created };
  }

  async lockByRequestId(_tx: InTransaction, requestId: string): Promise<PartnerLeg | null> {
    return this.rows.get(requestId) ?? null;
  }

  async countForward(_tx: InTransaction, requestId: string): Promise<void> {
    const leg = this.rows.get(requestId);
    if (leg) this.rows.set(requestId, { ...leg, forwards: leg.forwards + 1 });
  }

  async recordAnswer(_tx: InTransaction, requestId: string, answer: LegAnswer, at: Date): Promise<void> {
    const leg = this.rows.get(requestId);
    if (!leg) throw new Error('answer for a missing leg');
    this.rows.set(requestId, { ...leg, answer, answeredAt: at });
  }

  async findByRequestOrPaymentIds(_tx: InTransaction, requestIds: readonly string[], paymentIds: readonly string[], limit: number): Promise<PartnerLeg[]> {
    return [...this.rows.values()]
      .filter((leg) => requestIds.includes(leg.requestId) || paymentIds.includes(leg.paymentId))
      .sort((a, b) => a.forwardedAt.getTime() - b.forwardedAt.getTime() || a.requestId.localeCompare(b.requestId))
      .slice(0, limit);
  }
}

interface StoredLookup extends RequestedLookup {
  accounts: LookedUpAccount[] | null;
  answeredAt: Date | null;
}

export class InMemoryPartnerAccountLookupRepository extends PartnerAccountLookupRepository {
  readonly rows = new Map<string, StoredLookup>();
  /** What the "bank" answers while a lookup is awaited; null: no answer in time. */
  answerWith: ((lookup: StoredLookup) => LookedUpAccount[] | null) | null = null;
  waitedMs: number[] = [];

  async findAnswerSince(bankCode: string, mobile: string, since: Date): Promise<LookedUpAccount[] | null> {
    const answered = [...this.rows.values()].filter((row) => row.bankCode === bankCode && row.mobile === mobile && row.answeredAt !== null && row.answeredAt >= since);
    return answered.length === 0 ? null : answered[answered.length - 1].accounts;
  }

  async recordRequested(_tx: InTransaction, lookup: RequestedLookup): Promise<void> {
    this.rows.set(lookup.lookupId, { ...lookup, accounts: null, answeredAt: null });
  }

  async waitForAnswer(lookupId: string, timeoutMs: number): Promise<LookedUpAccount[] | null> {
    this.waitedMs.push(timeoutMs);
    const row = this.rows.get(lookupId);
    if (!row) return null;
    if (row.accounts === null && this.answerWith) {
      const accounts = this.answerWith(row);
      if (accounts !== null) Object.assign(row, { accounts, answeredAt: row.requestedAt });
    }
    return row.accounts;
  }

  async lockById(_tx: InTransaction, lookupId: string): Promise<LockedLookup | null> {
    const row = this.rows.get(lookupId);
    return row ? { lookupId, bankCode: row.bankCode, answered: row.answeredAt !== null } : null;
  }

  async recordAnswer(_tx: InTransaction, lookupId: string, accounts: readonly LookedUpAccount[], at: Date): Promise<void> {
    const row = this.rows.get(lookupId);
    if (row) Object.assign(row, { accounts: [...accounts], answeredAt: at });
  }

  async deleteRequestedBefore(cutoff: Date): Promise<number> {
    let deleted = 0;
    for (const [id, row] of this.rows) {
      if (row.requestedAt < cutoff) {
        this.rows.delete(id);
        deleted += 1;
      }
    }
    return deleted;
  }
}

/** A registry with one partner bank and the private half of its encryption key, to read what kirim sent it. */
export async function onePartnerRegistry(bankCode = 'XMPL', overrides: Partial<PartnerBank> = {}): Promise<{ registry: PartnerRegistry; partner: PartnerBank; decryptionKey: KeyLike }> {
  const pair = await generateEncryptionKeyPair(`${bankCode.toLowerCase()}-enc-1`);
  const partner: PartnerBank = {
    bankCode,
    name: 'Example Partner Bank',
    principal: `partner-${bankCode.toLowerCase()}`,
    requestsTopic: `partner.${bankCode.toLowerCase()}.requests.v1`,
    responsesTopic: `partner.${bankCode.toLowerCase()}.responses.v1`,
    answerTimeoutMs: 15_000,
    lookupTimeoutMs: 2_000,
    encryptionKey: await bankEncryptionKeyOf({ keys: [pair.publicJwk] }),
    ...overrides,
  };
  return { registry: new PartnerRegistry([partner], new TrustedSigningKeys()), partner, decryptionKey: createPrivateKey(pair.privateKeyPem) };
}
