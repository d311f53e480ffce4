import { BankLegRequested, BankLegResult, EVENT_SOURCES, EVENT_TYPES, EventType, pinBlockId } from '@kirim/contracts';
import type { InboundEvent } from '@kirim/messaging';
import type { EntityManager } from 'typeorm';
import type { SandboxLedgerRepository } from '../sandbox-bank/sandbox-ledger.repository';
import type { SandboxUpiPinRepository } from '../sandbox-bank/upi-pin/sandbox-upi-pin.repository';
import { LockLegAccountsInOrder } from './lock-leg-accounts.preparer';

/** A compact JWE as a device sends it; the preparer reads only its header's key id and its IV. */
function encryptedPin(iv: string): string {
  const header = Buffer.from(JSON.stringify({ alg: 'ECDH-ES', enc: 'A256GCM', kid: 'SBXA-pin-1', epk: {} })).toString('base64url');
  return `${header}..${iv}.Y2lwaGVydGV4dA.dGFn`;
}

function legEvent(type: EventType, accountRef: string, purpose: 'payment' | 'refund' | 'reversal' = 'payment', pin?: string): InboundEvent<object> {
  const data = Object.assign(new BankLegRequested(), { requestId: `request-${accountRef}-${type}`, paymentId: 'p', accountRef, purpose, ...(pin !== undefined ? { encryptedPin: pin } : {}) });
  return { id: `event-${accountRef}-${type}`, type, source: EVENT_SOURCES.PAYMENTS, time: '2026-12-03T10:00:00.000Z', key: 'p', data };
}

function preparerWithSpies() {
  const lockLegAccounts = jest.fn<ReturnType<SandboxLedgerRepository['lockLegAccounts']>, Parameters<SandboxLedgerRepository['lockLegAccounts']>>().mockResolvedValue();
  const writeDeferredPostings = jest.fn<ReturnType<SandboxLedgerRepository['writeDeferredPostings']>, Parameters<SandboxLedgerRepository['writeDeferredPostings']>>().mockResolvedValue();
  const rememberChunkPins = jest.fn<ReturnType<SandboxUpiPinRepository['rememberChunkPins']>, Parameters<SandboxUpiPinRepository['rememberChunkPins']>>().mockResolvedValue();
  const writeTakenPinBlocks = jest.fn<ReturnType<SandboxUpiPinRepository['writeTakenPinBlocks']>, Parameters<SandboxUpiPinRepository['writeTakenPinBlocks']>>().mockResolvedValue();
  const preparer = new LockLegAccountsInOrder(
    { lockLegAccounts, writeDeferredPostings } as unknown as SandboxLedgerRepository,
    { rememberChunkPins, writeTakenPinBlocks } as unknown as SandboxUpiPinRepository,
  );
  return { preparer, lockLegAccounts, writeDeferredPostings, rememberChunkPins, writeTakenPinBlocks };
}

describe('LockLegAccountsInOrder', () => {
  const notALeg: InboundEvent<object> = { ...legEvent(EVENT_TYPES.BANK_DEBIT_REQUESTED, 'x'), data: Object.assign(new BankLegResult(), { paymentId: 'p' }) };

  it("locks every leg's account and, for a chunk run as one, remembers the legs, the PIN records of the accounts it debits and their blocks' earlier uses, and writes both at its end", async () => {
    const { preparer, lockLegAccounts, writeDeferredPostings, rememberChunkPins, writeTakenPinBlocks } = preparerWithSpies();
    const manager = {} as EntityManager;
    const pin = encryptedPin('aXYtb2YtdGhlLWJsb2Nr');
    const events = [
      legEvent(EVENT_TYPES.BANK_DEBIT_REQUESTED, 'payer', 'payment', pin),
      legEvent(EVENT_TYPES.BANK_CREDIT_REQUESTED, 'payee'),
      legEvent(EVENT_TYPES.BANK_CREDIT_REQUESTED, 'payer', 'reversal'),
      // A status check (no PIN) and a PIN that is no JWE: no block to read.
      legEvent(EVENT_TYPES.BANK_DEBIT_REQUESTED, 'other-payer'),
      legEvent(EVENT_TYPES.BANK_DEBIT_REQUESTED, 'third-payer', 'payment', 'not-a-jwe'),
      notALeg,
    ];

    await preparer.prepareChunk(events, manager, { asOne: true });

    expect(lockLegAccounts).toHaveBeenCalledWith({ manager }, events.slice(0, 5).map((event) => event.data), { remember: true });
    // A credit needs no PIN; a block's id is what it opens with (its key id and IV).
    expect(rememberChunkPins).toHaveBeenCalledWith({ manager }, { accountRefs: ['payer', 'other-payer', 'third-payer'], pinBlockIds: [pinBlockId('SBXA-pin-1', pin)] });
    await preparer.finishChunk(manager);
    expect(writeTakenPinBlocks).toHaveBeenCalledWith({ manager });
    expect(writeDeferredPostings).toHaveBeenCalledWith({ manager });
    // The takes first, so one made meanwhile elsewhere ends the chunk before its postings are written.
    expect(writeTakenPinBlocks.mock.invocationCallOrder[0]).toBeLessThan(writeDeferredPostings.mock.invocationCallOrder[0]);
  });

  it("does not remember a chunk with a merchant's refund debit: the bank authorizes it from the postings in the table", async () => {
    const { preparer, lockLegAccounts, rememberChunkPins } = preparerWithSpies();
    const manager = {} as EntityManager;
    const events = [legEvent(EVENT_TYPES.BANK_DEBIT_REQUESTED, 'payer'), legEvent(EVENT_TYPES.BANK_DEBIT_REQUESTED, 'merchant', 'refund')];

    await preparer.prepareChunk(events, manager, { asOne: true });

    expect(lockLegAccounts).toHaveBeenCalledWith({ manager }, [events[0].data, events[1].data], { remember: false });
    expect(rememberChunkPins).not.toHaveBeenCalled();
  });

  it('only locks when the chunk runs message by message: a leg rolled back to its savepoint must not be remembered', async () => {
    const { preparer, lockLegAccounts, rememberChunkPins } = preparerWithSpies();
    const manager = {} as EntityManager;
    const debit = legEvent(EVENT_TYPES.BANK_DEBIT_REQUESTED, 'payer');

    await preparer.prepareChunk([debit], manager, { asOne: false });

    expect(lockLegAccounts).toHaveBeenCalledWith({ manager }, [debit.data], { remember: false });
    expect(rememberChunkPins).not.toHaveBeenCalled();
  });
});
