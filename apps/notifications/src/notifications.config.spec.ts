import { ConfigError, loadConfig } from '@kirim/platform';
import { StaticDeliveryEndpoints } from './delivery/delivery-channel';
import { configuredChannels, deliverySettingsOf } from './delivery/delivery.module';
import { FixedClock } from '@kirim/testing';
import { NotificationsConfig } from './notifications.config';

const SECRET = `whsec_${Buffer.alloc(32, 7).toString('base64')}`;

const baseEnv = {
  HTTP_PORT: '3004',
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/kirim_notifications',
  KAFKA_BROKERS: '127.0.0.1:9092',
  IDENTITY_JWKS_URL: 'http://127.0.0.1:3001/.well-known/jwks.json',
};

function problemsOf(env: Record<string, string>): readonly string[] {
  try {
    loadConfig(NotificationsConfig, { ...baseEnv, ...env });
  } catch (error: unknown) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('NotificationsConfig', () => {
  it('runs without a chat webhook: no endpoint, nothing is delivered', () => {
    const config = loadConfig(NotificationsConfig, baseEnv);
    expect(config.CHAT_WEBHOOK_URL).toBeUndefined();
    expect(configuredChannels(config, new FixedClock())).toEqual([]);
  });

  it('takes an https webhook with a Standard Webhooks secret, and the delivery defaults', () => {
    const config = loadConfig(NotificationsConfig, { ...baseEnv, CHAT_WEBHOOK_URL: 'https://chat.example/hooks/kirim', CHAT_WEBHOOK_SECRET: SECRET });
    const endpoints = configuredChannels(config, new FixedClock());
    expect(endpoints.map((e) => [e.channel, e.endpointKey])).toEqual([['chat', 'chat']]);
    expect(deliverySettingsOf(config)).toMatchObject({
      retry: { baseDelayMs: 2000, maxDelayMs: 600_000, maxAttempts: 10 },
      breaker: { failureThreshold: 5, coolDownMs: 30_000 },
      concurrencyPerEndpoint: 8,
    });
    expect(deliverySettingsOf(config).leaseMs).toBeGreaterThan(config.DELIVERY_TIMEOUT_MS);
  });

  it('takes an http webhook only with CHAT_WEBHOOK_HTTP_ALLOWED=true', () => {
    expect(problemsOf({ CHAT_WEBHOOK_URL: 'http://127.0.0.1:9000/hook', CHAT_WEBHOOK_SECRET: SECRET })).toEqual([
      'CHAT_WEBHOOK_URL must be an https:// URL (http:// only with CHAT_WEBHOOK_HTTP_ALLOWED=true, for a local receiver)',
    ]);
    expect(problemsOf({ CHAT_WEBHOOK_URL: 'http://127.0.0.1:9000/hook', CHAT_WEBHOOK_SECRET: SECRET, CHAT_WEBHOOK_HTTP_ALLOWED: 'true' })).toEqual([]);
  });

  it.each([
    [{ CHAT_WEBHOOK_URL: 'https://chat.example/hook' }, 'CHAT_WEBHOOK_URL is set but CHAT_WEBHOOK_SECRET is not: set both to deliver receipts to the chat platform, or neither'],
    [{ CHAT_WEBHOOK_SECRET: SECRET }, 'CHAT_WEBHOOK_SECRET is set but CHAT_WEBHOOK_URL is not: set both to deliver receipts to the chat platform, or neither'],
    [{ CHAT_WEBHOOK_URL: 'ftp://chat.example/hook', CHAT_WEBHOOK_SECRET: SECRET }, 'CHAT_WEBHOOK_URL must be an https:// URL'],
    [{ CHAT_WEBHOOK_URL: 'not a url', CHAT_WEBHOOK_SECRET: SECRET }, 'CHAT_WEBHOOK_URL must be an https:// URL'],
    [{ CHAT_WEBHOOK_URL: 'https://user:pw@chat.example/hook', CHAT_WEBHOOK_SECRET: SECRET }, 'CHAT_WEBHOOK_URL must not carry credentials (the webhook is authenticated by its signature)'],
  ])('refuses %j', (env, message) => {
    expect(problemsOf(env)).toEqual([message]);
  });

  it.each([
    ['no prefix', Buffer.alloc(32, 7).toString('base64')],
    ['too short a key', `whsec_${Buffer.alloc(16, 7).toString('base64')}`],
    ['too long a key', `whsec_${Buffer.alloc(65, 7).toString('base64')}`],
    ['not base64', 'whsec_not*base64*at*all*not*base64*at*all'],
  ])('refuses a secret with %s, without quoting it', (_case, secret) => {
    const problems = problemsOf({ CHAT_WEBHOOK_URL: 'https://chat.example/hook', CHAT_WEBHOOK_SECRET: secret });
    expect(problems).toEqual(['CHAT_WEBHOOK_SECRET must be a Standard Webhooks secret: whsec_ followed by the base64 of 24 to 64 random bytes']);
    expect(problems.join()).not.toContain(secret);
  });

  it.each([
    [{ DELIVERY_MAX_ATTEMPTS: '0' }, 'DELIVERY_MAX_ATTEMPTS must be an integer between 1 and 100'],
    [{ DELIVERY_TIMEOUT_MS: '5s' }, 'DELIVERY_TIMEOUT_MS must be an integer number of milliseconds between 100 and 60000'],
    [{ DELIVERY_BACKOFF_BASE_MS: '5000', DELIVERY_BACKOFF_MAX_MS: '1000' }, 'DELIVERY_BACKOFF_MAX_MS must be at least DELIVERY_BACKOFF_BASE_MS'],
    [{ DELIVERY_CONCURRENCY_PER_ENDPOINT: '101' }, 'DELIVERY_CONCURRENCY_PER_ENDPOINT must be an integer between 1 and 100'],
    [{ CHAT_WEBHOOK_HTTP_ALLOWED: 'perhaps' }, 'CHAT_WEBHOOK_HTTP_ALLOWED must be true or false'],
  ])('refuses the delivery setting %j', (env, message) => {
    expect(problemsOf(env)).toEqual([message]);
  });
});

describe('NotificationsConfig: the SMS provider', () => {
  const API_KEY = 'sk_live_0123456789abcdefghijklmnopqrstuv';
  const identity = { call: jest.fn() };

  it('sends no SMS by default', () => {
    const config = loadConfig(NotificationsConfig, baseEnv);
    expect([config.SMS_PROVIDER_URL, config.SMS_PROVIDER_API_KEY, config.SMS_PROVIDER_HTTP_ALLOWED]).toEqual([undefined, undefined, false]);
    expect(configuredChannels(config, new FixedClock(), identity)).toEqual([]);
  });

  it('adds the SMS endpoint, for users without the app, beside the chat webhook when both its variables are set', () => {
    const config = loadConfig(NotificationsConfig, {
      ...baseEnv,
      CHAT_WEBHOOK_URL: 'https://chat.example/hook',
      CHAT_WEBHOOK_SECRET: SECRET,
      SMS_PROVIDER_URL: 'https://sms.example/v1/outbound-messages',
      SMS_PROVIDER_API_KEY: API_KEY,
    });
    const endpoints = configuredChannels(config, new FixedClock(), identity);
    expect(endpoints.map((e) => [e.channel, e.endpointKey, e.audience])).toEqual([
      ['chat', 'chat', 'every-user'],
      ['sms', 'sms', 'users-without-app'],
    ]);
    expect(() => configuredChannels(config, new FixedClock())).toThrow('no InternalHttpClient');
  });

  it('takes an http provider only with SMS_PROVIDER_HTTP_ALLOWED=true', () => {
    const local = { SMS_PROVIDER_URL: 'http://127.0.0.1:3020/v1/outbound-messages', SMS_PROVIDER_API_KEY: API_KEY };
    expect(problemsOf(local)).toEqual(['SMS_PROVIDER_URL must be an https:// URL (http:// only with SMS_PROVIDER_HTTP_ALLOWED=true, for a local receiver)']);
    expect(problemsOf({ ...local, SMS_PROVIDER_HTTP_ALLOWED: 'true' })).toEqual([]);
  });

  it.each([
    [{ SMS_PROVIDER_URL: 'https://sms.example/v1/outbound-messages' }, 'SMS_PROVIDER_URL is set but SMS_PROVIDER_API_KEY is not: set both to send receipts by SMS, or neither'],
    [{ SMS_PROVIDER_API_KEY: API_KEY }, 'SMS_PROVIDER_API_KEY is set but SMS_PROVIDER_URL is not: set both to send receipts by SMS, or neither'],
    [{ SMS_PROVIDER_URL: 'ftp://sms.example/out', SMS_PROVIDER_API_KEY: API_KEY }, 'SMS_PROVIDER_URL must be an https:// URL'],
    [{ SMS_PROVIDER_URL: 'https://kirim:pw@sms.example/out', SMS_PROVIDER_API_KEY: API_KEY }, 'SMS_PROVIDER_URL must not carry credentials (the provider is authenticated by SMS_PROVIDER_API_KEY)'],
    [{ SMS_PROVIDER_HTTP_ALLOWED: 'maybe' }, 'SMS_PROVIDER_HTTP_ALLOWED must be true or false'],
  ])('refuses %j', (env, message) => {
    expect(problemsOf(env)).toEqual([message]);
  });

  it.each([
    ['shorter than 32 characters', 'sk_live_0123456789abcdefghijklm'],
    ['with a space in it', 'sk_live_0123456789 abcdefghijklmnopqrstuv'],
  ])('refuses an API key %s, without quoting it', (_case, key) => {
    const problems = problemsOf({ SMS_PROVIDER_URL: 'https://sms.example/v1/outbound-messages', SMS_PROVIDER_API_KEY: key });
    expect(problems).toEqual(['SMS_PROVIDER_API_KEY must be the provider API key: at least 32 printable characters, without spaces']);
    expect(problems.join()).not.toContain(key);
  });
});

describe('NotificationsConfig: merchant webhooks', () => {
  it('keeps registered URLs to https and public hosts, and the previous secret for 24 hours, by default', () => {
    const config = loadConfig(NotificationsConfig, baseEnv);
    expect(config.MERCHANT_WEBHOOK_HTTP_ALLOWED).toBe(false);
    expect(config.MERCHANT_WEBHOOK_SECRET_OVERLAP_HOURS).toBe(24);
  });

  it('takes http for a local stack and an overlap from 1 to 168 hours', () => {
    const config = loadConfig(NotificationsConfig, { ...baseEnv, MERCHANT_WEBHOOK_HTTP_ALLOWED: 'true', MERCHANT_WEBHOOK_SECRET_OVERLAP_HOURS: '168' });
    expect(config.MERCHANT_WEBHOOK_HTTP_ALLOWED).toBe(true);
    expect(config.MERCHANT_WEBHOOK_SECRET_OVERLAP_HOURS).toBe(168);
    expect(loadConfig(NotificationsConfig, { ...baseEnv, MERCHANT_WEBHOOK_SECRET_OVERLAP_HOURS: '1' }).MERCHANT_WEBHOOK_SECRET_OVERLAP_HOURS).toBe(1);
  });

  it.each([
    [{ MERCHANT_WEBHOOK_HTTP_ALLOWED: 'sometimes' }, 'MERCHANT_WEBHOOK_HTTP_ALLOWED must be true or false'],
    [{ MERCHANT_WEBHOOK_SECRET_OVERLAP_HOURS: '0' }, 'MERCHANT_WEBHOOK_SECRET_OVERLAP_HOURS must be an integer number of hours between 1 and 168'],
    [{ MERCHANT_WEBHOOK_SECRET_OVERLAP_HOURS: '169' }, 'MERCHANT_WEBHOOK_SECRET_OVERLAP_HOURS must be an integer number of hours between 1 and 168'],
    [{ MERCHANT_WEBHOOK_SECRET_OVERLAP_HOURS: '1.5' }, 'MERCHANT_WEBHOOK_SECRET_OVERLAP_HOURS must be an integer number of hours between 1 and 168'],
    [{ MERCHANT_WEBHOOK_SECRET_OVERLAP_HOURS: '24h' }, 'MERCHANT_WEBHOOK_SECRET_OVERLAP_HOURS must be an integer number of hours between 1 and 168'],
  ])('refuses %j', (env, message) => {
    expect(problemsOf(env)).toEqual([message]);
  });
});

describe('StaticDeliveryEndpoints', () => {
  it('refuses two endpoints with one key', () => {
    const config = loadConfig(NotificationsConfig, { ...baseEnv, CHAT_WEBHOOK_URL: 'https://chat.example/hook', CHAT_WEBHOOK_SECRET: SECRET });
    const [chat] = configuredChannels(config, new FixedClock());
    expect(() => new StaticDeliveryEndpoints([chat, chat])).toThrow('two delivery endpoints share the key chat');
  });
});
