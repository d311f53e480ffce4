import { jsonLinesLogger } from './partner-logger';
import { kafkaConnectionProblems } from '../kafka/kafka-connection';

describe('jsonLinesLogger', () => {
  it('writes one JSON line per entry at or above its level, redacting personal and secret fields', () => {
    const lines: string[] = [];
    const logger = jsonLinesLogger({ name: 'test', level: 'info', write: (line) => lines.push(line), now: () => new Date('2026-12-01T00:00:00Z') });
    logger.debug('hidden');
    logger.info('answered', { requestId: 'r1', mobile: '+919800000001', accountNumber: '123456789012', password: 'p', accountRef: 'a', encryptedPin: 'e', newPin: '1', resultCode: 'ZM' });
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toEqual({
      time: '2026-12-01T00:00:00.000Z',
      level: 'info',
      name: 'test',
      msg: 'answered',
      requestId: 'r1',
      mobile: '[redacted]',
      accountNumber: '[redacted]',
      password: '[redacted]',
      accountRef: '[redacted]',
      encryptedPin: '[redacted]',
      newPin: '[redacted]',
      resultCode: 'ZM',
    });
  });
});

describe('kafkaConnectionProblems', () => {
  it('names each problem of a connection', () => {
    expect(kafkaConnectionProblems({ brokers: ['127.0.0.1:9092'], sasl: { mechanism: 'scram-sha-512', username: 'partner-xmpl', password: 'secret-pw' } })).toEqual([]);
    expect(kafkaConnectionProblems({ brokers: ['nohost'], sasl: { mechanism: 'plain' as 'scram-sha-512', username: '', password: '' } })).toEqual([
      'brokers: "nohost" is not host:port',
      'sasl.mechanism must be one of scram-sha-512, scram-sha-256',
      'sasl.username is empty',
      'sasl.password is empty',
    ]);
  });
});
