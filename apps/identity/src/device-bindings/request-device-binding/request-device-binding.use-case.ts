import { Inject, Injectable } from '@nestjs/common';
import { TransactionRunner } from '@kirim/messaging';
import { Clock, IdGenerator } from '@kirim/platform';
import { AttemptLimiter } from '../attempt-limits';
import { DEVICE_BINDING_POLICY, DeviceBindingPolicy } from '../device-binding-policy';
import { DeviceBindingRepository } from '../device-binding.repository';
import { checkDevicePublicKey } from '../device-proof';
import { hashSecret, SecretGenerator } from '../secret-generator';

export interface RequestDeviceBindingCommand {
  /** E.164, validated by the DTO. */
  readonly phone: string;
  readonly deviceId: string;
  /** The device's public key as sent (checked here: EC P-256, public members only). */
  readonly devicePublicKey: unknown;
}

export type RequestDeviceBindingResult =
  | { readonly ok: true; readonly bindingId: string; readonly bindingToken: string; readonly smsTo: string; readonly expiresAt: Date }
  | { readonly ok: false; readonly code: 'device-key-invalid'; readonly reason: string }
  | { readonly ok: false; readonly code: 'rate-limited'; readonly retryAfterSeconds: number };

/**
 * Step 1 of binding (docs/device-binding.md): a one-time token the device must send by SMS, from
 * the SIM of the phone being bound, to the platform's virtual number. Only its hash is stored.
 */
@Injectable()
export class RequestDeviceBinding {
  constructor(
    private readonly transactions: TransactionRunner,
    private readonly bindings: DeviceBindingRepository,
    private readonly limiter: AttemptLimiter,
    private readonly secrets: SecretGenerator,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
    @Inject(DEVICE_BINDING_POLICY) private readonly policy: DeviceBindingPolicy,
  ) {}

  async execute(command: RequestDeviceBindingCommand): Promise<RequestDeviceBindingResult> {
    const now = this.clock.now();
    // Both counters count every attempt, so neither a phone nor a device can be hammered by rotating the other.
    const [perPhone, perDevice] = await Promise.all([
      this.limiter.attempt(this.policy.bindPerPhone, command.phone, now),
      this.limiter.attempt(this.policy.bindPerDevice, command.deviceId, now),
    ]);
    const refused = [perPhone, perDevice].flatMap((decision) => (decision.allowed ? [] : [decision.retryAfterSeconds]));
    if (refused.length > 0) return { ok: false, code: 'rate-limited', retryAfterSeconds: Math.max(...refused) };

    const key = await checkDevicePublicKey(command.devicePublicKey);
    if (!key.ok) return { ok: false, code: 'device-key-invalid', reason: key.reason };

    const bindingToken = this.secrets.bindingToken();
    const bindingId = this.ids.uuid();
    const expiresAt = new Date(now.getTime() + this.policy.bindingTtlSeconds * 1000);
    await this.transactions.run((tx) =>
      this.bindings.insert(tx, {
        id: bindingId,
        phone: command.phone,
        deviceId: command.deviceId,
        deviceKey: key.key,
        deviceKeyThumbprint: key.thumbprint,
        tokenHash: hashSecret(bindingToken),
        status: 'pending',
        userId: null,
        createdAt: now,
        expiresAt,
        confirmedAt: null,
        boundAt: null,
        revokedAt: null,
      }),
    );
    return { ok: true, bindingId, bindingToken, smsTo: this.policy.smsVirtualNumber, expiresAt };
  }
}
