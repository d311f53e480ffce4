import { KafkaJSConnectionError, KafkaJSNonRetriableError, KafkaJSNumberOfRetriesExceeded, KafkaJSProtocolError } from 'kafkajs';
import { brokerRefusalOf, isNonRetriableProtocolError } from './broker-refusal';

/** A protocol error as kafkajs makes it from a broker's error code. */
function protocolError(type: string, code: number, retriable: boolean): KafkaJSProtocolError {
  return new KafkaJSProtocolError({ type, code, retriable, message: `${type} from the broker` } as never);
}

describe('brokerRefusalOf', () => {
  it.each([
    ['MESSAGE_TOO_LARGE', 10],
    ['INVALID_RECORD', 87],
    ['INVALID_TIMESTAMP', 32],
    ['RECORD_LIST_TOO_LARGE', 18],
  ])('treats %s as the broker refusing the record for good', (type, code) => {
    expect(brokerRefusalOf(protocolError(type, code, false))).toBe(type);
    // kafkajs may hand it back wrapped, as its retrier does: `new KafkaJSNonRetriableError(e, { cause: e })`.
    const Wrapper = KafkaJSNonRetriableError as unknown as new (error: Error, options: { cause: Error }) => Error;
    expect(brokerRefusalOf(new Wrapper(protocolError(type, code, false), { cause: protocolError(type, code, false) }))).toBe(type);
  });

  it('never treats an outage as a refusal, even once kafkajs gives up retrying (which it marks not retriable)', () => {
    const unreachable = new KafkaJSConnectionError('Connection error: connect ECONNREFUSED 127.0.0.1:1');
    const exhausted = new KafkaJSNumberOfRetriesExceeded(unreachable, { retryCount: 5, retryTime: 1000 } as never);
    expect(exhausted.retriable).toBe(false);
    expect(brokerRefusalOf(exhausted)).toBeNull();
    expect(brokerRefusalOf(protocolError('NOT_LEADER_FOR_PARTITION', 6, true))).toBeNull();
    expect(isNonRetriableProtocolError(exhausted)).toBe(false);
  });

  it('does not quarantine for errors about the service rather than the record (authorization)', () => {
    const denied = protocolError('TOPIC_AUTHORIZATION_FAILED', 29, false);
    expect(brokerRefusalOf(denied)).toBeNull();
    expect(isNonRetriableProtocolError(denied)).toBe(true);
  });

  it('survives a cause chain that loops', () => {
    const error = new Error('outer') as Error & { cause?: unknown };
    error.cause = error;
    expect(brokerRefusalOf(error)).toBeNull();
  });
});
