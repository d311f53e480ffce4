export * from './message-keys';
export * from './record-signature';
export * from './bank-encryption';
export * from './upi-pin';
export * from './upi-pin-hash';
export * from './platform-encryption';
