import { readKafkaPassword, testKafkaClientConfig, testKafkaEnv } from './kafka-credentials';

describe('Kafka credentials for tests', () => {
  const saved = { ...process.env };
  afterEach(() => {
    process.env = { ...saved };
  });

  it("takes admin's password from KAFKA_ADMIN_PASSWORD when set", () => {
    process.env.KAFKA_ADMIN_PASSWORD = 'from-the-environment';
    process.env.KAFKA_BROKERS = 'b1:9092, b2:9092';
    expect(testKafkaClientConfig()).toEqual({ brokers: ['b1:9092', 'b2:9092'], sasl: { mechanism: 'scram-sha-512', username: 'admin', password: 'from-the-environment' } });
    expect(testKafkaEnv()).toEqual({ KAFKA_BROKERS: 'b1:9092,b2:9092', KAFKA_SASL_MECHANISM: 'scram-sha-512', KAFKA_SASL_USERNAME: 'admin', KAFKA_SASL_PASSWORD: 'from-the-environment' });
  });

  it('names the missing file and what writes it, never a password', () => {
    process.env.KIRIM_HOME = '/nonexistent/kirim-home';
    expect(() => readKafkaPassword('observer')).toThrow('no Kafka password for observer: /nonexistent/kirim-home/keys/kafka/observer.password is missing (node -r ./tools/ts-register.cjs deploy/local/provision-kafka.ts writes it)');
  });
});
