import { isCataloguedProblem } from '@kirim/contracts';
import { fetchPublicDocument, fetchServiceDocument, OpenApiDocument, operationsOf, redoclyLint, SERVICES } from './support/openapi';

/**
 * The served OpenAPI documents as a client reads them (through the edge): each service's own and
 * the merged public one pass `@redocly/cli lint` with the recommended rules, with no error and no
 * warning, and every problem response they declare is one the problem catalogue allows.
 */
describe('the served OpenAPI documents', () => {
  const documents: { name: string; document: OpenApiDocument }[] = [];

  beforeAll(async () => {
    for (const service of SERVICES) documents.push({ name: service, document: await fetchServiceDocument(service) });
    documents.push({ name: 'public', document: await fetchPublicDocument() });
  });

  it.each([...SERVICES, 'public'])('%s passes redocly lint (recommended) with zero errors and zero warnings', async (name) => {
    const { document } = documents.find((candidate) => candidate.name === name) as { document: OpenApiDocument };
    const report = await redoclyLint(name, document);
    const findings = report.problems.map((problem) => `${problem.severity} ${problem.ruleId}: ${problem.message} at ${problem.location?.[0]?.pointer ?? '?'}`);
    expect(findings).toEqual([]);
    expect(report).toMatchObject({ errors: 0, warnings: 0 });
  }, 120_000);

  it('declares security on every operation and problem responses only as the catalogue allows', () => {
    const wrong: string[] = [];
    for (const { name, document } of documents) {
      for (const { method, path, operation } of operationsOf(document)) {
        const where = `${name} ${method.toUpperCase()} ${path}`;
        if (!Array.isArray(operation.security)) wrong.push(`${where}: no security declared`);
        const responses = Object.entries(operation.responses ?? {});
        if (!responses.some(([status]) => Number(status) >= 400 && Number(status) < 500)) wrong.push(`${where}: no 4xx response declared`);
        for (const [status, response] of responses) {
          if (Number(status) < 400) continue;
          const schema = response.content?.['application/problem+json']?.schema;
          if (!schema) {
            wrong.push(`${where} ${status}: not application/problem+json`);
            continue;
          }
          const codes = (schema.allOf?.[1]?.properties?.code?.enum ?? []) as string[];
          if (codes.length === 0) wrong.push(`${where} ${status}: names no problem code`);
          for (const code of codes) if (!isCataloguedProblem(code, Number(status))) wrong.push(`${where} ${status}: ${code} is not catalogued with this status`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });

  it('publishes at the edge only what the edge routes: no service-to-service question', () => {
    const publicPaths = Object.keys((documents.find((candidate) => candidate.name === 'public') as { document: OpenApiDocument }).document.paths);
    expect(publicPaths).toEqual(expect.arrayContaining(['/v1/payments', '/v1/me']));
    expect(publicPaths).not.toContain('/v1/payment-parties');
    expect(publicPaths).not.toContain('/v1/bank-accounts');
  });
});
