// Public surface of @kirim/messaging: services see these names, never kafkajs.
export * from './messaging.types';
export * from './messaging.config';
export * from './messaging.module';
export * from './unit-of-work';
export * from './kafka-batch.transport';
export * from './kafka-health.indicator';
export * from './outbox/outbox-writer';
export * from './outbox/outbox-relay';
export * from './codec/cloud-event.codec';
export * from './codec/traceparent';
export * from './consumer/batch-processor';
export * from './consumer/dead-letter.publisher';
export * from './consumer/consumer-state';
export * from './kafka/kafka-client';
export * from './persistence/outbox-message.entity';
export * from './persistence/inbox-message.entity';
export * from './persistence/messaging-tables.migration';
