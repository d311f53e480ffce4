import { readFileSync } from 'node:fs';
import { KAFKA_SECURITY_DOC, renderPrincipalTable, withCurrentTable } from './kafka-security-doc';
import { partnerBankCodes } from './local/kafka/partner-bank-codes';

describe('docs/kafka-security.md', () => {
  it('shows the principals exactly as libs/contracts declares them (regenerate: node -r ./tools/ts-register.cjs deploy/kafka-security-doc.ts)', () => {
    const document = readFileSync(KAFKA_SECURITY_DOC, 'utf8');
    expect(document).toContain(renderPrincipalTable(partnerBankCodes()));
    expect(withCurrentTable(document, partnerBankCodes())).toBe(document);
  });
});
