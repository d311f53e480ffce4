export * from './message-keys';
export * from './record-signature';
export * from './bank-encryption';
