import 'reflect-metadata';
import { ConfigError, loadConfig } from '@kirim/platform';
import { MessagingConfig } from '../messaging.config';
import { createKafkaClient, kafkaConnectionOf } from './kafka-client';

const SECRET = 'correct-horse-battery-staple';
const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

function config(env: Record<string, string> = {}): MessagingConfig {
  return loadConfig(MessagingConfig, { KAFKA_BROKERS: 'b1:9092,b2:9092', KAFKA_SASL_USERNAME: 'payments', KAFKA_SASL_PASSWORD: SECRET, ...env });
}

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('MessagingConfig: Kafka identity', () => {
  it('defaults to SCRAM-SHA-512 without TLS', () => {
    expect(config()).toMatchObject({ KAFKA_SASL_USERNAME: 'payments', KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_TLS: false });
  });

  it('requires the username and the password, naming them', () => {
    const problems = problemsOf(() => loadConfig(MessagingConfig, { KAFKA_BROKERS: 'b1:9092' }));
    expect(problems).toEqual(expect.arrayContaining(['KAFKA_SASL_USERNAME is required', 'KAFKA_SASL_PASSWORD is required']));
  });

  it('refuses an unknown mechanism and a non-boolean KAFKA_TLS, naming the variable and never a value', () => {
    const problems = problemsOf(() => config({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_TLS: 'maybe', KAFKA_SASL_PASSWORD: 'short' }));
    expect(problems).toEqual(
      expect.arrayContaining(['KAFKA_SASL_MECHANISM must be one of scram-sha-256, scram-sha-512', 'KAFKA_TLS must be true or false', 'KAFKA_SASL_PASSWORD must be at least 8 characters']),
    );
    expect(problems.join(' ')).not.toMatch(/plain|maybe|short/);
  });

  it('accepts SCRAM-SHA-256 and reads "false" as false', () => {
    expect(config({ KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_TLS: 'false' })).toMatchObject({ KAFKA_SASL_MECHANISM: 'scram-sha-256', KAFKA_TLS: false });
  });
});

describe('kafkaConnectionOf', () => {
  it('gives brokers and SASL, plaintext by default', () => {
    expect(kafkaConnectionOf(config())).toEqual({
      brokers: ['b1:9092', 'b2:9092'],
      sasl: { mechanism: 'scram-sha-512', username: 'payments', password: SECRET },
      tls: false,
    });
  });

  it('uses the system CAs with TLS and no CA file', () => {
    expect(kafkaConnectionOf(config({ KAFKA_TLS: 'true' })).tls).toEqual({});
  });

  it('reads the CA file at boot', () => {
    const read = jest.fn(() => CA);
    expect(kafkaConnectionOf(config({ KAFKA_TLS: 'true', KAFKA_TLS_CA_FILE: '/etc/kafka-ca/ca.crt' }), read).tls).toEqual({ ca: CA });
    expect(read).toHaveBeenCalledWith('/etc/kafka-ca/ca.crt');
  });

  it('stops on a CA file it cannot read, naming the variable but not the path', () => {
    const missing = (): string => {
      throw Object.assign(new Error('ENOENT: no such file'), { code: 'ENOENT' });
    };
    const problems = problemsOf(() => kafkaConnectionOf(config({ KAFKA_TLS: 'true', KAFKA_TLS_CA_FILE: '/secret/place/ca.crt' }), missing));
    expect(problems).toEqual(['KAFKA_TLS_CA_FILE cannot be read (ENOENT)']);
  });

  it('stops on a CA file that holds no PEM certificate', () => {
    expect(problemsOf(() => kafkaConnectionOf(config({ KAFKA_TLS: 'true', KAFKA_TLS_CA_FILE: '/ca.crt' }), () => 'not a certificate'))).toEqual([
      'KAFKA_TLS_CA_FILE must hold a PEM certificate',
    ]);
  });

  it('refuses a CA file without TLS, which would silently be ignored', () => {
    expect(problemsOf(() => kafkaConnectionOf(config({ KAFKA_TLS_CA_FILE: '/ca.crt' }), () => CA))).toEqual(['KAFKA_TLS_CA_FILE is set but KAFKA_TLS is not true']);
  });
});

describe('createKafkaClient', () => {
  it('builds a client without connecting', () => {
    expect(createKafkaClient('test', kafkaConnectionOf(config({ KAFKA_TLS: 'true' }), () => CA))).toBeDefined();
  });
});
