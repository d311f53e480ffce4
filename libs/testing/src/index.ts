export * from './eventually';
export * from './phone';
export * from './test-database';
export * from './kafka-test-topics';
