/**
 * @kirim/partner-kit: what a partner bank needs to talk to kirim over Kafka. Framework-free: kafkajs,
 * jose and @kirim/contracts (the wire contract). See README.md.
 */
// The contract classes' decorators (class-transformer's @Type) read Reflect metadata.
import 'reflect-metadata';

export { startPartnerBank } from './partner-bank-runner';
export type { PartnerBankOptions, PartnerBankRunner } from './partner-bank-runner';
export type { PartnerBankPort, LegDecision, DeclineCode, RecordedLeg, PartnerAccount } from './legs/partner-bank.port';
export { applyLegOnce } from './legs/apply-leg-once';
export type { LegOutcome } from './legs/apply-leg-once';
export { fingerprintLeg, differingLegFields } from './legs/leg-fingerprint';
export type { LegContent } from './legs/leg-fingerprint';
export type { LegRequest, AccountLookupRequest, PartnerRequest, LegDirection, RequestEnvelope, RecordPosition, ConsumedRecord } from './requests/partner-request';
export { RequestGate, REQUEST_CHECKS, DEFAULT_FRESHNESS } from './requests/request-gate';
export { UpiPinCheck, PIN_BLOCK_MEMORY_MS } from './pin/upi-pin-check';
export type { UpiPinStore, PinDecline, PinChangeOutcome } from './pin/upi-pin-check';
// The PIN block format and keyed PIN hashes, for a bank that stores PINs or tests its PIN check (docs/upi-pin.md).
export {
  UpiPinVerifier,
  UnknownPinVerificationKeyError,
  generatePinVerificationKey,
  parsePinVerificationKeys,
  formatPinVerificationKey,
  legacyScryptUpiPinHash,
  encryptPinBlock,
  UPI_PIN_MAX_TRIES,
  UPI_PIN_PATTERN,
  isEncryptedPinShape,
  MAX_ENCRYPTED_PIN_LENGTH,
} from '@kirim/contracts';
export type { StoredUpiPin, PinBlock, PinVerificationKey, UpiPinDecision } from '@kirim/contracts';
export type { Admission, RequestCheck, RequestGateOptions } from './requests/request-gate';
export { InMemorySeenRecordStore } from './requests/seen-records';
export type { SeenRecordStore, SeenClaim } from './requests/seen-records';
export { AnswerFactory, AnswerContractError } from './answers/answer-factory';
export type { OutgoingRecord } from './answers/answer-factory';
export { PartnerRequestProcessor } from './consumer/request-processor';
export type { ProcessOutcome, RefusalCheck } from './consumer/request-processor';
export { PARTNER_SASL_MECHANISMS, kafkaConnectionProblems, toKafkaConfig } from './kafka/kafka-connection';
export type { PartnerKafkaConnection, PartnerSaslCredentials, PartnerSaslMechanism } from './kafka/kafka-connection';
export { loadBankKeys, generateBankKeys, generateBankPinVerificationKey, defaultKeyLabel } from './keys/bank-keys';
export type { BankKeys, BankKeyMaterial, BankDecryptionKey, GeneratedBankKeys } from './keys/bank-keys';
export { BANK_KEY_FILES, BankKeysExistError, readBankKeyFiles, writeBankKeyFiles, existingBankKeyFiles, addPinVerificationKey, readPinVerificationKeys } from './keys/bank-key-files';
export type { BankKeyFilePaths } from './keys/bank-key-files';
export { loadJwks, jwksLocationOf, describeJwksLocation } from './keys/jwks-location';
export type { JwksLocation } from './keys/jwks-location';
export { PlatformKeyring, PARTNER_REQUEST_SIGNER } from './keys/platform-keyring';
export { jsonLinesLogger, silentLogger, redactFields, LOG_LEVELS } from './logging/partner-logger';
export type { PartnerLogger, LogFields, LogLevel } from './logging/partner-logger';
export { runConformance, ConformanceSetupError } from './conformance/conformance-runner';
export type { ConformanceOptions } from './conformance/conformance-runner';
export { CONFORMANCE_CASES, formatConformanceReport } from './conformance/conformance-cases';
export type { CaseResult, ConformanceReport, ConformanceCaseId } from './conformance/conformance-cases';
