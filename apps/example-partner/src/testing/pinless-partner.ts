/**
 * A deliberately broken partner bank, for the conformance test's own test: the example partner with
 * one defect injected, a PIN check that authorizes every debit, as a bank that trusts kirim to have
 * checked the PIN would. Never built into dist.
 *
 *   node -r ./tools/ts-register.cjs apps/example-partner/src/testing/pinless-partner.ts
 */
import 'reflect-metadata';
import type { PoolClient } from 'pg';
import type { PinDecline, UpiPinCheck } from '@kirim/partner-kit';
import { runExamplePartnerProcess } from '../example-partner.process';
import { PgPartnerLedger } from '../ledger/pg-partner-ledger';

const trustingPinCheck = { authorizeDebit: async (): Promise<PinDecline | null> => null } as unknown as UpiPinCheck<PoolClient>;

runExamplePartnerProcess({ ledger: (pool) => new PgPartnerLedger(pool, trustingPinCheck) });
