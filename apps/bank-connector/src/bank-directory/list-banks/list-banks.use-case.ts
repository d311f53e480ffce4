import { Injectable } from '@nestjs/common';
import { exportJWK } from 'jose';
import { PartnerRegistry } from '../../partner-banks/partner-registry';
import { SANDBOX_BANKS } from '../../sandbox-bank/sandbox-banks';
import { PinKeyJwk, SandboxPinKeys } from '../../sandbox-bank/upi-pin/sandbox-pin-keys';

export interface BankView {
  readonly bankCode: string;
  readonly name: string;
  /** The public key devices encrypt this bank's UPI PIN blocks for; null when the bank has none. */
  readonly pinKey: PinKeyJwk | null;
}

/**
 * Every bank kirim reaches, with the public key its customers' PINs are encrypted for (docs/upi-pin.md):
 * a sandbox bank's own PIN key, a partner bank's encryption key from its registered JWKS (the key
 * account data for it is encrypted with too). Public keys only; they change only at a restart, so the
 * list is built once.
 */
@Injectable()
export class ListBanks {
  private banks?: Promise<BankView[]>;

  constructor(
    private readonly sandboxPinKeys: SandboxPinKeys,
    private readonly partners: PartnerRegistry,
  ) {}

  execute(): Promise<BankView[]> {
    this.banks ??= this.build();
    return this.banks;
  }

  private async build(): Promise<BankView[]> {
    const sandbox = SANDBOX_BANKS.map((bank): BankView => ({ bankCode: bank.code, name: bank.name, pinKey: this.sandboxPinKeys.publicKeyOf(bank.code) ?? null }));
    const partners = await Promise.all(
      this.partners.partners.map(async (partner): Promise<BankView> => {
        const { kty, crv, x, y } = await exportJWK(partner.encryptionKey.key);
        // Only the public members, named: nothing else of the key object can leak into the answer.
        const pinKey = { kty, crv, x, ...(y !== undefined ? { y } : {}), kid: partner.encryptionKey.kid, alg: 'ECDH-ES', use: 'enc' } as PinKeyJwk;
        return { bankCode: partner.bankCode, name: partner.name, pinKey };
      }),
    );
    return [...sandbox, ...partners].sort((a, b) => a.bankCode.localeCompare(b.bankCode));
  }
}
