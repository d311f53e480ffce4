/**
 * What signing costs per record and per payment, measured in one process with no I/O:
 *   npm run bench:signing [-- --records 20000]
 * A payment between two sandbox banks signs and verifies four records (debit and credit requests
 * and their answers); a partner leg adds two more of each. Compare with the CPU a payment costs in
 * all (docs/benchmarks.md).
 */
import { parseArgs } from 'node:util';
import { generateRecordSigningKeyPair, loadRecordSigningKey, SignableRecord, signRecord, TrustedSigningKeys, verifyRecordSignature } from '@kirim/contracts';

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { records: { type: 'string', default: '20000' } } });
  const count = Number(values.records);
  if (!Number.isInteger(count) || count < 100) throw new Error('--records must be an integer of at least 100');
  const pair = await generateRecordSigningKeyPair('payments:bench');
  const key = loadRecordSigningKey(pair.privateKeyPem, 'payments:bench');
  const trusted = await TrustedSigningKeys.ofPlatform({ keys: [pair.publicJwk] });
  // A bank.debit.requested.v1 of the usual size (about 300 bytes of JSON).
  const record: SignableRecord = {
    topic: 'bank.requests.v1',
    key: '6f1d3c1e-8f6c-4a55-9d2b-1f3f5f0c9a01',
    headers: {
      ce_id: 'f4a5d0c2-0d5e-4a6f-9a43-4a3c1fb9e0a1',
      ce_source: '/kirim/payments',
      ce_type: 'bank.debit.requested.v1',
      ce_time: new Date().toISOString(),
      ce_specversion: '1.0',
      'content-type': 'application/json',
    },
    value: Buffer.from(
      JSON.stringify({
        requestId: 'f4a5d0c2-0d5e-4a6f-9a43-4a3c1fb9e0a1',
        paymentId: '6f1d3c1e-8f6c-4a55-9d2b-1f3f5f0c9a01',
        txnId: `KRM${'A'.repeat(32)}`,
        purpose: 'payment',
        bankCode: 'SBXA',
        accountRef: '11111111-2222-4333-8444-555555555555',
        amount: { value: '500.00', currency: 'INR' },
      }),
    ),
  };
  // Warm up the JIT before timing.
  for (let i = 0; i < 2000; i += 1) await verifyRecordSignature(record, await signRecord(record, key), 'payments', trusted);
  const signatures: string[] = [];
  let started = process.hrtime.bigint();
  for (let i = 0; i < count; i += 1) signatures.push(await signRecord(record, key));
  const signUs = Number(process.hrtime.bigint() - started) / count / 1000;
  started = process.hrtime.bigint();
  for (const signature of signatures) {
    const check = await verifyRecordSignature(record, signature, 'payments', trusted);
    if (!check.ok) throw new Error(check.reason);
  }
  const verifyUs = Number(process.hrtime.bigint() - started) / count / 1000;
  console.log(`record signatures (EdDSA, ${count} records): sign ${signUs.toFixed(1)} µs, verify ${verifyUs.toFixed(1)} µs per record`);
  console.log(`a sandbox-to-sandbox payment (4 signed records): ${((4 * (signUs + verifyUs)) / 1000).toFixed(2)} ms of CPU`);
}

main().catch((error: unknown) => {
  console.error(`signing-bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
