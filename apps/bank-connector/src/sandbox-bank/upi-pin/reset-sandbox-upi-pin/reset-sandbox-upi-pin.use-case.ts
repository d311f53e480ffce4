import { Injectable } from '@nestjs/common';
import { TransactionRunner } from '@kirim/messaging';
import { SandboxUpiPinRepository } from '../sandbox-upi-pin.repository';

export interface ResetSandboxUpiPinCommand {
  readonly accountRef: string;
}

/** `cleared` false: the account had no PIN (nothing to reset, not an error). */
export type ResetSandboxUpiPinOutcome = { readonly ok: true; readonly cleared: boolean } | { readonly ok: false; readonly kind: 'account-not-found' };

/**
 * The sandbox operator's reset (a real bank's branch or forgot-PIN flow): the account's PIN and its
 * count of wrong tries are gone, so a PIN locked with Z6 can be set again from scratch.
 */
@Injectable()
export class ResetSandboxUpiPin {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly pins: SandboxUpiPinRepository,
  ) {}

  async execute(command: ResetSandboxUpiPinCommand): Promise<ResetSandboxUpiPinOutcome> {
    return this.transactions.run(async (tx): Promise<ResetSandboxUpiPinOutcome> => {
      // The account row is locked first, as a debit locks it: a reset never interleaves with a PIN check.
      if ((await this.pins.lockAccountPin(tx, command.accountRef)) === null) return { ok: false, kind: 'account-not-found' };
      return { ok: true, cleared: await this.pins.clearPin(tx, command.accountRef) };
    });
  }
}
