/**
 * Regenerates deploy/compose/kafka-access.txt (the compose broker's users, topics and ACLs) from the
 * declaration in libs/contracts and the partner registry. Run it after changing either:
 *
 *   node -r ./tools/ts-register.cjs deploy/compose/write-kafka-access.ts
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { partnerBankCodes } from '../local/kafka/partner-bank-codes';
import { renderKafkaAccess } from './kafka-access';

export const KAFKA_ACCESS_FILE = resolve(__dirname, 'kafka-access.txt');

writeFileSync(KAFKA_ACCESS_FILE, renderKafkaAccess(partnerBankCodes()));
console.log(`wrote ${KAFKA_ACCESS_FILE}`);
