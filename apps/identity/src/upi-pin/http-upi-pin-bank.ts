import { INTERNAL_OPERATIONS, SetUpiPinAnswer } from '@kirim/contracts';
import { InternalHttpClient } from '@kirim/platform';
import { BANK_CONNECTOR_TIMEOUT_MS } from '../bank-accounts/http-bank-account-directory';
import { UpiPinBank, UpiPinBankAnswer } from './upi-pin-bank';

/**
 * bank-connector's internal set-sandbox-upi-pin, called with identity's own service token. The
 * body carries the PIN block: the shared client logs the operation and status only.
 */
export class HttpUpiPinBank extends UpiPinBank {
  constructor(private readonly client: InternalHttpClient) {
    super();
  }

  async setPin(accountRef: string, encryptedPin: string): Promise<UpiPinBankAnswer> {
    const answer = await this.client.call(
      INTERNAL_OPERATIONS.SET_SANDBOX_UPI_PIN,
      { params: { accountRef }, body: { encryptedPin }, timeoutMs: BANK_CONNECTOR_TIMEOUT_MS },
      SetUpiPinAnswer,
    );
    if (answer.ok) return { ok: true, change: answer.value.change };
    if (answer.kind === 'unavailable') return { ok: false, kind: 'unavailable' };
    if (answer.status === 404) return { ok: false, kind: 'account-not-found' };
    if (answer.status === 422 && answer.problem.resultCode !== undefined) {
      return { ok: false, kind: 'rejected', resultCode: answer.problem.resultCode, detail: answer.problem.detail.slice(0, 300) };
    }
    return { ok: false, kind: 'unavailable' };
  }
}
