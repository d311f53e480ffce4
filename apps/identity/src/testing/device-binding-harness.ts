import { createHash, generateKeyPairSync, randomUUID } from 'node:crypto';
import { DEVICE_PROOF_AUDIENCE, DEVICE_PROOF_PURPOSES, DEVICE_PROOF_TYPE, ReceivedSms } from '@kirim/contracts';
import { FixedClock, SequentialIds } from '@kirim/testing';
import { exportJWK, generateKeyPair, type JWK, type KeyLike, SignJWT } from 'jose';
import { AttemptLimiter } from '../device-bindings/attempt-limits';
import { CompleteDeviceBinding } from '../device-bindings/complete-device-binding/complete-device-binding.use-case';
import { CreateDefaultPaymentAddress } from '../payment-addresses/create-default-payment-address/create-default-payment-address.use-case';
import { ConfirmBindingBySms } from '../device-bindings/confirm-binding-by-sms/confirm-binding-by-sms.use-case';
import { deviceBindingPolicy } from '../device-bindings/device-binding-policy';
import { ListBindingRevocations } from '../device-bindings/list-binding-revocations/list-binding-revocations.use-case';
import { RefreshSession } from '../device-bindings/refresh-session/refresh-session.use-case';
import { RequestDeviceBinding } from '../device-bindings/request-device-binding/request-device-binding.use-case';
import { SignOut } from '../device-bindings/sign-out/sign-out.use-case';
import { loadSigningKey } from '../tokens/signing-key';
import { TokenIssuer } from '../tokens/token-issuer';
import { FakeTransactions, InMemoryUsers } from './in-memory-identity.fakes';
import { InMemoryPaymentAddresses } from './in-memory-payment-addresses.fakes';
import { InMemoryAttemptCounters, InMemoryDeviceBindings, InMemoryRefreshTokens, InMemoryReplayGuard, SequentialSecrets } from './in-memory-device-bindings.fakes';

export const VIRTUAL_NUMBER = '+919000000000';

export interface TestDevice {
  readonly phone: string;
  readonly deviceId: string;
  readonly publicJwk: JWK;
  readonly privateKey: KeyLike;
}

export async function aDevice(phone = '+919876500001'): Promise<TestDevice> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const { kty, crv, x, y } = await exportJWK(publicKey);
  return { phone, deviceId: `device-${randomUUID()}`, publicJwk: { kty, crv, x, y }, privateKey };
}

/** Every device-binding use case over in-memory ports, a fixed clock and sequential ids. */
export function deviceBindingHarness() {
  const clock = new FixedClock(new Date('2026-12-01T10:00:00.000Z'));
  const ids = new SequentialIds();
  const transactions = new FakeTransactions();
  const users = new InMemoryUsers();
  const refreshTokens = new InMemoryRefreshTokens();
  const bindings = new InMemoryDeviceBindings(refreshTokens);
  const replays = new InMemoryReplayGuard();
  const counters = new InMemoryAttemptCounters();
  const limiter = new AttemptLimiter(counters);
  const secrets = new SequentialSecrets();
  const pem = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const tokens = new TokenIssuer({ signingKey: loadSigningKey(pem, 'test'), ttlSeconds: 300, clock, ids });
  const policy = deviceBindingPolicy({
    SMS_VIRTUAL_NUMBER: VIRTUAL_NUMBER,
    DEVICE_BINDING_TTL_SECONDS: 600,
    REFRESH_TOKEN_TTL_SECONDS: 86_400,
    BIND_REQUESTS_PER_PHONE_PER_HOUR: 5,
    BIND_REQUESTS_PER_DEVICE_PER_HOUR: 10,
    BINDING_COMPLETION_ATTEMPTS: 5,
  });
  const request = new RequestDeviceBinding(transactions, bindings, limiter, secrets, clock, ids, policy);
  const confirm = new ConfirmBindingBySms(transactions, bindings, replays, clock, policy);
  const addresses = new InMemoryPaymentAddresses();
  const complete = new CompleteDeviceBinding(transactions, bindings, refreshTokens, replays, users, limiter, secrets, tokens, clock, ids, policy, new CreateDefaultPaymentAddress(addresses, clock, ids));
  const refresh = new RefreshSession(transactions, bindings, refreshTokens, replays, secrets, tokens, clock, ids, policy);
  const revocations = new ListBindingRevocations(bindings, clock);
  const signOut = new SignOut(transactions, bindings, refreshTokens, users, clock);

  let smsCount = 0;
  const sms = (overrides: Partial<ReceivedSms> & Pick<ReceivedSms, 'from' | 'text'>): ReceivedSms => ({
    messageId: `sms-${++smsCount}`,
    to: VIRTUAL_NUMBER,
    receivedAt: clock.now().toISOString(),
    ...overrides,
  });

  const proof = (device: TestDevice, bindingId: string, purpose: string = DEVICE_PROOF_PURPOSES.COMPLETE_BINDING, claims: Record<string, string> = {}, key: KeyLike = device.privateKey) =>
    new SignJWT({ purpose, ...claims })
      .setProtectedHeader({ alg: 'ES256', typ: DEVICE_PROOF_TYPE })
      .setAudience(DEVICE_PROOF_AUDIENCE)
      .setSubject(bindingId)
      .setIssuedAt(Math.floor(clock.now().getTime() / 1000))
      .setJti(randomUUID())
      .sign(key);

  const refreshProof = (device: TestDevice, bindingId: string, refreshToken: string) =>
    proof(device, bindingId, DEVICE_PROOF_PURPOSES.REFRESH, { rth: createHash('sha256').update(refreshToken).digest('base64url') });

  /** Steps 1 and 2: a binding confirmed by an SMS from the device's phone. */
  const confirmedBinding = async (device: TestDevice) => {
    const started = await request.execute({ phone: device.phone, deviceId: device.deviceId, devicePublicKey: device.publicJwk });
    if (!started.ok) throw new Error(`binding refused: ${started.code}`);
    const confirmed = await confirm.execute({ webhookId: `msg_${randomUUID()}`, sms: sms({ from: device.phone, text: started.bindingToken }) });
    if (!confirmed.ok) throw new Error(`SMS refused: ${confirmed.code}`);
    return started;
  };

  /** All three steps. */
  const bound = async (device: TestDevice, displayName?: string) => {
    const started = await confirmedBinding(device);
    const result = await complete.execute({ bindingId: started.bindingId, proof: await proof(device, started.bindingId), displayName });
    if (!result.ok) throw new Error(`completion refused: ${result.code}`);
    return result;
  };

  return { clock, ids, transactions, users, addresses, bindings, refreshTokens, replays, counters, tokens, request, confirm, complete, refresh, revocations, signOut, sms, proof, refreshProof, confirmedBinding, bound };
}
