import { ConfigError } from '../config/config-error';
import { loadConfig } from '../config/load-config';
import { ServiceCallsConfig } from './service-calls.config';

const PRODUCTION = { NODE_ENV: 'production', SERVICE_CLIENT_SECRET: 'x'.repeat(43), IDENTITY_URL: 'http://identity' };

describe('ServiceCallsConfig', () => {
  it('refuses an http:// identity in production unless IDENTITY_HTTP_ALLOWED says the network is fenced', () => {
    expect(() => loadConfig(ServiceCallsConfig, PRODUCTION)).toThrow(ConfigError);
    expect(() => loadConfig(ServiceCallsConfig, PRODUCTION)).toThrow(/IDENTITY_URL must be an https:\/\/ URL in production/);
    expect(loadConfig(ServiceCallsConfig, { ...PRODUCTION, IDENTITY_HTTP_ALLOWED: 'true' }).IDENTITY_URL).toBe('http://identity');
  });

  it('takes https:// in production without the flag', () => {
    expect(loadConfig(ServiceCallsConfig, { ...PRODUCTION, IDENTITY_URL: 'https://identity.example' }).IDENTITY_HTTP_ALLOWED).toBe(false);
  });
});
