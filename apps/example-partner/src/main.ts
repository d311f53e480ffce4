/**
 * The example partner bank: a separate process, built only on @kirim/partner-kit, with its own
 * ledger in its own PostgreSQL database. Configuration comes from the environment (see README.md).
 */
import 'reflect-metadata';
import { runExamplePartnerProcess } from './example-partner.process';

runExamplePartnerProcess();
