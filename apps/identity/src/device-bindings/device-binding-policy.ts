import type { AttemptLimit } from './attempt-limits';

/** The settings the device-binding use cases run with, from IdentityConfig (validated at boot). */
export interface DeviceBindingPolicy {
  /** The platform's virtual number devices send the binding SMS to. */
  readonly smsVirtualNumber: string;
  readonly bindingTtlSeconds: number;
  readonly refreshTokenTtlSeconds: number;
  readonly bindPerPhone: AttemptLimit;
  readonly bindPerDevice: AttemptLimit;
  readonly completionPerBinding: AttemptLimit;
}

export const DEVICE_BINDING_POLICY = Symbol('DEVICE_BINDING_POLICY');

export function deviceBindingPolicy(config: {
  SMS_VIRTUAL_NUMBER: string;
  DEVICE_BINDING_TTL_SECONDS: number;
  REFRESH_TOKEN_TTL_SECONDS: number;
  BIND_REQUESTS_PER_PHONE_PER_HOUR: number;
  BIND_REQUESTS_PER_DEVICE_PER_HOUR: number;
  BINDING_COMPLETION_ATTEMPTS: number;
}): DeviceBindingPolicy {
  return {
    smsVirtualNumber: config.SMS_VIRTUAL_NUMBER,
    bindingTtlSeconds: config.DEVICE_BINDING_TTL_SECONDS,
    refreshTokenTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
    bindPerPhone: { name: 'bind-per-phone', max: config.BIND_REQUESTS_PER_PHONE_PER_HOUR, windowSeconds: 3600 },
    bindPerDevice: { name: 'bind-per-device', max: config.BIND_REQUESTS_PER_DEVICE_PER_HOUR, windowSeconds: 3600 },
    // One window as long as a binding lives: the limit is per binding, over its whole life.
    completionPerBinding: { name: 'complete-per-binding', max: config.BINDING_COMPLETION_ATTEMPTS, windowSeconds: config.DEVICE_BINDING_TTL_SECONDS },
  };
}
