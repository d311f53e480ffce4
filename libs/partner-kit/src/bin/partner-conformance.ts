#!/usr/bin/env node
/**
 * The partner conformance test: acting as kirim, sends signed requests to a bank's request topic and
 * checks its answers, printing one row per case and exiting non-zero naming the failed cases.
 * See the kit's README for what each case checks and how to prepare the test account.
 */
import 'reflect-metadata';
import { readFileSync, writeFileSync } from 'node:fs';
import { createPublicKey } from 'node:crypto';
import { loadRecordSigningKey, PlatformDecryptionKeys, RecordSigningKey, SERVICE_PRINCIPALS } from '@kirim/contracts';
import { formatConformanceReport } from '../conformance/conformance-cases';
import { ConformanceSetupError, runConformance } from '../conformance/conformance-runner';
import { PARTNER_SASL_MECHANISMS, PartnerKafkaConnection, PartnerSaslMechanism } from '../kafka/kafka-connection';
import { jwksLocationOf } from '../keys/jwks-location';
import { jsonLinesLogger } from '../logging/partner-logger';
import { err, EXIT, optionalInt, out, parseFlags, required, runCommand, UsageError } from './cli';

const USAGE = `usage: partner-conformance --brokers <host:port,...> --bank <CODE> --kirim-signing-key <pem file>
         --kirim-signing-key-id bank-connector:<label> --kirim-encryption-key <pem file>
         --kirim-encryption-key-id bank-connector:<label> --bank-jwks <file or https URL> --test-mobile <E.164>
         --test-pin <digits> [options]

  --brokers               kirim's Kafka brokers
  --sasl-username         Kafka user that may write the bank's request topic and read its response topic
  --sasl-password-file    file holding its password (or set KAFKA_SASL_PASSWORD; avoid passwords on the command line)
  --sasl-mechanism        ${PARTNER_SASL_MECHANISMS.join(' | ')} (default scram-sha-512)
  --tls                   connect with TLS; --tls-ca <pem file> for a private CA
  --topic-prefix          prefix of the topic names on the broker (default none)
  --bank                  the bank's 4-letter code
  --kirim-signing-key     PKCS#8 PEM of the key that signs the requests; the bank must trust its public half
  --kirim-signing-key-id  its kid, bank-connector:<label>, as in the platform JWKS the bank trusts
  --kirim-encryption-key  PKCS#8 PEM (X25519 or P-256) of the key the bank encrypts holder names for; the
                          platform JWKS the bank reads must list its public half ("use": "enc")
  --kirim-encryption-key-id  its kid, bank-connector:<label>, as in that platform JWKS
  --bank-jwks             the bank's public JWKS (its answers must verify with it; requests are encrypted for it)
  --test-mobile           mobile whose single account at the bank holds exactly 0.00 (it ends at 0.00 again)
  --test-pin              the UPI PIN set for that account, no wrong tries counted (the run ends with it
                          locked by the Z6 case: reset and set it again before the next run)
  --refusal-window-ms     how long refused requests must stay unanswered (default 5000)
  --answer-timeout-ms     how long an answer may take (default 15000, UPI's pay timeout)
  --bank-max-age-ms       the bank's freshness window (default 300000); the stale request is a minute older
  --group-prefix          prefix of the throw-away consumer group (default kirim-conformance.)
  --report-json           also write the report as JSON to this file
  --print-public-jwk      print the public halves of the two kirim keys as a JWKS (the platform JWKS the bank
                          must read during the run) and exit
  --verbose               log Kafka warnings to stderr

exit status: 0 all cases passed, 1 some failed (named on the last line), 2 the run could not start`;

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${what} ${path}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
}

function kafkaConnection(values: Record<string, string | boolean | undefined>): PartnerKafkaConnection {
  const brokers = required(values, 'brokers')
    .split(',')
    .map((broker) => broker.trim())
    .filter(Boolean);
  const username = typeof values['sasl-username'] === 'string' ? values['sasl-username'] : undefined;
  const passwordFile = values['sasl-password-file'];
  const password = typeof passwordFile === 'string' ? readText(passwordFile, 'the SASL password file').trim() : process.env.KAFKA_SASL_PASSWORD;
  const mechanism = (values['sasl-mechanism'] ?? 'scram-sha-512') as PartnerSaslMechanism;
  if (!(PARTNER_SASL_MECHANISMS as readonly string[]).includes(mechanism)) throw new UsageError(`--sasl-mechanism must be one of ${PARTNER_SASL_MECHANISMS.join(', ')}`);
  if (username && !password) throw new UsageError('--sasl-username needs a password: --sasl-password-file or KAFKA_SASL_PASSWORD');
  const ca = values['tls-ca'];
  if (typeof ca === 'string' && !values.tls) throw new UsageError('--tls-ca needs --tls');
  return {
    brokers,
    ...(username && password ? { sasl: { mechanism, username, password } } : {}),
    ...(values.tls ? { ssl: typeof ca === 'string' ? { ca: [readText(ca, 'the TLS CA file')] } : true } : {}),
  };
}

async function main(): Promise<number> {
  const values = parseFlags(process.argv.slice(2), {
    brokers: { type: 'string' },
    'sasl-username': { type: 'string' },
    'sasl-password-file': { type: 'string' },
    'sasl-mechanism': { type: 'string' },
    tls: { type: 'boolean' },
    'tls-ca': { type: 'string' },
    'topic-prefix': { type: 'string' },
    bank: { type: 'string' },
    'kirim-signing-key': { type: 'string' },
    'kirim-signing-key-id': { type: 'string' },
    'kirim-encryption-key': { type: 'string' },
    'kirim-encryption-key-id': { type: 'string' },
    'bank-jwks': { type: 'string' },
    'test-mobile': { type: 'string' },
    'test-pin': { type: 'string' },
    'refusal-window-ms': { type: 'string' },
    'answer-timeout-ms': { type: 'string' },
    'bank-max-age-ms': { type: 'string' },
    'group-prefix': { type: 'string' },
    'report-json': { type: 'string' },
    'print-public-jwk': { type: 'boolean' },
    verbose: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    out(USAGE);
    return EXIT.OK;
  }
  let signingKey: RecordSigningKey;
  try {
    signingKey = loadRecordSigningKey(readText(required(values, 'kirim-signing-key'), 'the kirim signing key'), required(values, 'kirim-signing-key-id'));
  } catch (error) {
    if (error instanceof UsageError) throw error;
    throw new UsageError(`--kirim-signing-key: ${error instanceof Error ? error.message : String(error)}`);
  }
  const encryptionKid = required(values, 'kirim-encryption-key-id');
  const encryptionPem = readText(required(values, 'kirim-encryption-key'), 'the kirim encryption key');
  let decryptionKeys: PlatformDecryptionKeys;
  try {
    decryptionKeys = PlatformDecryptionKeys.fromPem(SERVICE_PRINCIPALS.BANK_CONNECTOR, [{ kid: encryptionKid, pem: encryptionPem }]);
  } catch (error) {
    throw new UsageError(`--kirim-encryption-key: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (values['print-public-jwk']) {
    const jwk = createPublicKey(signingKey.privateKey as Parameters<typeof createPublicKey>[0]).export({ format: 'jwk' });
    const encryptionJwk = createPublicKey(encryptionPem).export({ format: 'jwk' });
    out(JSON.stringify({ keys: [{ ...jwk, kid: signingKey.kid, alg: signingKey.alg, use: 'sig' }, { ...encryptionJwk, kid: encryptionKid, alg: 'ECDH-ES', use: 'enc' }] }, null, 2));
    return EXIT.OK;
  }
  const bankCode = required(values, 'bank');
  let bankJwks;
  try {
    bankJwks = jwksLocationOf(required(values, 'bank-jwks'));
  } catch (error) {
    throw new UsageError(`--bank-jwks: ${error instanceof Error ? error.message : String(error)}`);
  }
  const logger = jsonLinesLogger({ name: 'partner-conformance', level: values.verbose ? 'warn' : 'silent', write: (line) => process.stderr.write(line) });
  try {
    const report = await runConformance({
      kafka: kafkaConnection(values),
      topicPrefix: typeof values['topic-prefix'] === 'string' ? values['topic-prefix'] : '',
      bankCode,
      kirimSigningKey: signingKey,
      kirimDecryptionKeys: decryptionKeys,
      bankJwks,
      testMobile: required(values, 'test-mobile'),
      testPin: required(values, 'test-pin'),
      refusalWindowMs: optionalInt(values, 'refusal-window-ms'),
      answerTimeoutMs: optionalInt(values, 'answer-timeout-ms'),
      bankMaxAgeMs: optionalInt(values, 'bank-max-age-ms'),
      ...(typeof values['group-prefix'] === 'string' ? { groupPrefix: values['group-prefix'] } : {}),
      logger,
      onCase: (result) => err(`${result.passed ? 'pass' : 'FAIL'} ${result.id}`),
    });
    out(formatConformanceReport(report));
    if (typeof values['report-json'] === 'string') writeFileSync(values['report-json'], `${JSON.stringify(report, null, 2)}\n`);
    return report.passed ? EXIT.OK : EXIT.FAILED;
  } catch (error) {
    if (error instanceof ConformanceSetupError) {
      err(`the conformance run could not start: ${error.message}`);
      return EXIT.USAGE;
    }
    throw error;
  }
}

runCommand(main, USAGE);
