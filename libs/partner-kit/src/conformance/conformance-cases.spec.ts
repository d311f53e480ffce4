import { CONFORMANCE_CASES, ConformanceReport, formatConformanceReport } from './conformance-cases';
import { conformanceOptionProblems } from './conformance-runner';
import { PlatformDecryptionKeys, UPI_TXN_ID_PATTERN, loadRecordSigningKey } from '@kirim/contracts';
import { generateKeyPairSync } from 'node:crypto';
import { conformanceTxnId } from './kirim-requests';

describe('conformance report', () => {
  const report = (failedIds: string[]): ConformanceReport => ({
    bankCode: 'XMPL',
    requestTopic: 'partner.xmpl.requests.v1',
    responseTopic: 'partner.xmpl.responses.v1',
    cases: CONFORMANCE_CASES.map(({ id, title }) => ({ id, title, passed: !failedIds.includes(id), detail: failedIds.includes(id) ? 'resultCode differs' : 'ok', ...(id.startsWith('refuse') ? {} : { answerMs: 41.6 }) })),
    passed: failedIds.length === 0,
    failed: failedIds as ConformanceReport['failed'],
    durationMs: 9876,
  });

  it('prints one row per case with the result, the answer time and the reason', () => {
    const text = formatConformanceReport(report([]));
    for (const { id, title } of CONFORMANCE_CASES) expect(text).toMatch(new RegExp(`^${id} +PASS +(42 ms|-) +${title.replace(/[.()]/g, '\\$&')}: ok$`, 'm'));
    expect(text).toContain('19 passed, 0 failed in 9.9 s');
    expect(text).not.toContain('FAILED');
  });

  it('names the failed cases on its last line', () => {
    const text = formatConformanceReport(report(['debit-repeat', 'refuse-unsigned']));
    expect(text).toMatch(/^debit-repeat +FAIL/m);
    expect(text.trim().split('\n').pop()).toBe('FAILED: debit-repeat, refuse-unsigned');
  });

  it('covers every case the partner contract asks for, each once', () => {
    const ids = CONFORMANCE_CASES.map((entry) => entry.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(19);
  });
});

describe('conformance options', () => {
  const key = (kid: string) => loadRecordSigningKey(generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), kid);
  const decryption = PlatformDecryptionKeys.fromPem('bank-connector', [{ kid: 'bank-connector:enc-c1', pem: generateKeyPairSync('x25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() }]);
  const base = { kafka: { brokers: ['127.0.0.1:9092'] }, bankCode: 'XMPL', kirimSigningKey: key('bank-connector:c1'), kirimDecryptionKeys: decryption, bankJwks: { jwks: { keys: [] } }, testMobile: '+919800000001', testPin: '2580' };

  it('accepts sound options', () => {
    expect(conformanceOptionProblems(base)).toEqual([]);
  });

  it('names each bad option', () => {
    const problems = conformanceOptionProblems({ ...base, bankCode: 'xmpl', testMobile: '98000', testPin: '12345', kirimSigningKey: key('payments:c1'), kirimDecryptionKeys: PlatformDecryptionKeys.fromPem('bank-connector', []), refusalWindowMs: 0, topicPrefix: 'UPPER' });
    expect(problems.join('\n')).toMatch(/bank code/);
    expect(problems.join('\n')).toMatch(/test mobile/);
    expect(problems.join('\n')).toMatch(/test PIN must be 4 or 6 digits/);
    expect(problems.join('\n')).toMatch(/bank-connector:<label>/);
    expect(problems.join('\n')).toMatch(/refusal window/);
    expect(problems.join('\n')).toMatch(/encryption key is needed/);
    expect(problems.join('\n')).toMatch(/topic prefix/);
  });

  it('makes UPI-shaped transaction ids', () => {
    expect(conformanceTxnId()).toMatch(UPI_TXN_ID_PATTERN);
  });
});
