import { CompactEncrypt, importJWK, JWK, KeyLike } from 'jose';
import { recordSensitive } from './run-record';

/**
 * The device's side of the UPI PIN (docs/upi-pin.md), as an outside client does it with jose alone:
 * fetch the banks' PIN keys from the edge (GET /v1/banks), then encrypt each PIN block for the
 * payer's bank. Nothing is imported from kirim's code: this is what a real app does.
 */

/** The PIN every party of the e2e tests, the bench and the demo sets, unless a test says otherwise. */
export const DEFAULT_TEST_PIN = '2580';

export interface BankWithPinKey {
  readonly bankCode: string;
  readonly name: string;
  readonly pinKey: (JWK & { readonly kid: string }) | null;
}

export type PinBlock =
  | { readonly purpose: 'pay'; readonly pin: string; readonly amount: { readonly value: string; readonly currency: string }; readonly iat: number }
  | { readonly purpose: 'set-pin'; readonly newPin: string; readonly iat: number }
  | { readonly purpose: 'change-pin'; readonly pin: string; readonly newPin: string; readonly iat: number };

interface ImportedPinKey {
  readonly kid: string;
  readonly key: KeyLike | Uint8Array;
}

/** The banks' PIN keys, fetched once from the edge (they change only when a bank rotates them). */
export class BankPinKeys {
  private keys?: Promise<Map<string, ImportedPinKey>>;

  constructor(private readonly edgeUrl: string) {}

  async banks(): Promise<BankWithPinKey[]> {
    const response = await fetch(`${this.edgeUrl}/v1/banks`, { headers: { accept: 'application/json' } });
    if (response.status !== 200) throw new Error(`GET /v1/banks answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as BankWithPinKey[];
  }

  async keyOf(bankCode: string): Promise<ImportedPinKey> {
    this.keys ??= this.load();
    const key = (await this.keys).get(bankCode);
    if (!key) throw new Error(`bank ${bankCode} publishes no UPI PIN key at GET /v1/banks`);
    return key;
  }

  /** A compact JWE of `block` for `bankCode`'s PIN key: ECDH-ES key agreement, A256GCM, the key's kid. */
  async encrypt(bankCode: string, block: PinBlock): Promise<string> {
    const { kid, key } = await this.keyOf(bankCode);
    const pinBlock = await new CompactEncrypt(new TextEncoder().encode(JSON.stringify(block))).setProtectedHeader({ alg: 'ECDH-ES', enc: 'A256GCM', kid, cty: 'json' }).encrypt(key);
    // On record for the sensitive-data audit: neither the PIN nor its block may show up where they do not belong.
    if (block.purpose !== 'set-pin') recordSensitive('pin', block.pin);
    if (block.purpose !== 'pay') recordSensitive('pin', block.newPin);
    recordSensitive('pin-block', pinBlock);
    return pinBlock;
  }

  /** The PIN block of a payment: the PIN bound to this amount, now. */
  pay(bankCode: string, pin: string, amount: string, iat = nowSeconds()): Promise<string> {
    return this.encrypt(bankCode, { purpose: 'pay', pin, amount: { value: amount, currency: 'INR' }, iat });
  }

  setPin(bankCode: string, newPin: string, iat = nowSeconds()): Promise<string> {
    return this.encrypt(bankCode, { purpose: 'set-pin', newPin, iat });
  }

  changePin(bankCode: string, pin: string, newPin: string, iat = nowSeconds()): Promise<string> {
    return this.encrypt(bankCode, { purpose: 'change-pin', pin, newPin, iat });
  }

  private async load(): Promise<Map<string, ImportedPinKey>> {
    const keys = new Map<string, ImportedPinKey>();
    for (const bank of await this.banks()) {
      if (bank.pinKey === null) continue;
      keys.set(bank.bankCode, { kid: bank.pinKey.kid, key: await importJWK(bank.pinKey, 'ECDH-ES') });
    }
    return keys;
  }
}

export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
