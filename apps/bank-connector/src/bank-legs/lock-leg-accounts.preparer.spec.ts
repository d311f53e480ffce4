import { BankLegRequested, BankLegResult, EVENT_SOURCES, EVENT_TYPES, EventType } from '@kirim/contracts';
import type { InboundEvent } from '@kirim/messaging';
import type { EntityManager } from 'typeorm';
import type { SandboxLedgerRepository } from '../sandbox-bank/sandbox-ledger.repository';
import type { SandboxUpiPinRepository } from '../sandbox-bank/upi-pin/sandbox-upi-pin.repository';
import { LockLegAccountsInOrder } from './lock-leg-accounts.preparer';

function legEvent(type: EventType, accountRef: string, purpose: 'payment' | 'refund' | 'reversal' = 'payment'): InboundEvent<object> {
  const data = Object.assign(new BankLegRequested(), { requestId: `request-${accountRef}-${type}`, paymentId: 'p', accountRef, purpose });
  return { id: `event-${accountRef}-${type}`, type, source: EVENT_SOURCES.PAYMENTS, time: '2026-12-03T10:00:00.000Z', key: 'p', data };
}

function preparerWithSpies() {
  const lockLegAccounts = jest.fn<ReturnType<SandboxLedgerRepository['lockLegAccounts']>, Parameters<SandboxLedgerRepository['lockLegAccounts']>>().mockResolvedValue();
  const writeDeferredPostings = jest.fn<ReturnType<SandboxLedgerRepository['writeDeferredPostings']>, Parameters<SandboxLedgerRepository['writeDeferredPostings']>>().mockResolvedValue();
  const rememberAccountPins = jest.fn<ReturnType<SandboxUpiPinRepository['rememberAccountPins']>, Parameters<SandboxUpiPinRepository['rememberAccountPins']>>().mockResolvedValue();
  const preparer = new LockLegAccountsInOrder({ lockLegAccounts, writeDeferredPostings } as unknown as SandboxLedgerRepository, { rememberAccountPins } as unknown as SandboxUpiPinRepository);
  return { preparer, lockLegAccounts, writeDeferredPostings, rememberAccountPins };
}

describe('LockLegAccountsInOrder', () => {
  const notALeg: InboundEvent<object> = { ...legEvent(EVENT_TYPES.BANK_DEBIT_REQUESTED, 'x'), data: Object.assign(new BankLegResult(), { paymentId: 'p' }) };

  it("locks every leg's account and, for a chunk run as one, remembers the legs and the PIN records of the accounts it debits, and writes the postings at its end", async () => {
    const { preparer, lockLegAccounts, writeDeferredPostings, rememberAccountPins } = preparerWithSpies();
    const manager = {} as EntityManager;
    const events = [legEvent(EVENT_TYPES.BANK_DEBIT_REQUESTED, 'payer'), legEvent(EVENT_TYPES.BANK_CREDIT_REQUESTED, 'payee'), legEvent(EVENT_TYPES.BANK_CREDIT_REQUESTED, 'payer', 'reversal'), notALeg];

    await preparer.prepareChunk(events, manager, { asOne: true });

    expect(lockLegAccounts).toHaveBeenCalledWith({ manager }, [events[0].data, events[1].data, events[2].data], { remember: true });
    // A credit needs no PIN.
    expect(rememberAccountPins).toHaveBeenCalledWith({ manager }, ['payer']);
    await preparer.finishChunk(manager);
    expect(writeDeferredPostings).toHaveBeenCalledWith({ manager });
  });

  it("does not remember a chunk with a merchant's refund debit: the bank authorizes it from the postings in the table", async () => {
    const { preparer, lockLegAccounts, rememberAccountPins } = preparerWithSpies();
    const manager = {} as EntityManager;
    const events = [legEvent(EVENT_TYPES.BANK_DEBIT_REQUESTED, 'payer'), legEvent(EVENT_TYPES.BANK_DEBIT_REQUESTED, 'merchant', 'refund')];

    await preparer.prepareChunk(events, manager, { asOne: true });

    expect(lockLegAccounts).toHaveBeenCalledWith({ manager }, [events[0].data, events[1].data], { remember: false });
    expect(rememberAccountPins).not.toHaveBeenCalled();
  });

  it('only locks when the chunk runs message by message: a leg rolled back to its savepoint must not be remembered', async () => {
    const { preparer, lockLegAccounts, rememberAccountPins } = preparerWithSpies();
    const manager = {} as EntityManager;
    const debit = legEvent(EVENT_TYPES.BANK_DEBIT_REQUESTED, 'payer');

    await preparer.prepareChunk([debit], manager, { asOne: false });

    expect(lockLegAccounts).toHaveBeenCalledWith({ manager }, [debit.data], { remember: false });
    expect(rememberAccountPins).not.toHaveBeenCalled();
  });
});
