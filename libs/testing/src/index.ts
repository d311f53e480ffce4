export * from './eventually';
export * from './phone';
export * from './test-database';
export * from './kafka-credentials';
export * from './kafka-test-topics';
export * from './fakes';
export * from './data-encryption';
export * from './migrate-command';
