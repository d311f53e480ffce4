/**
 * Writes the AsyncAPI document of the Kafka contract to docs/asyncapi.yaml:
 *
 *   npm run asyncapi            regenerate the committed document
 *   npm run asyncapi -- --check exit 1 if the committed document differs (what the unit test checks)
 *   npm run asyncapi -- --vectors  print the worked examples docs/partner-onboarding.md shows
 *                                  (partner-onboarding.spec.ts fails when the guide's copy is stale)
 *
 * Run with tools/ts-register.cjs (reflect-metadata first, then the contracts' decorators).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { renderAsyncApiYaml } from './asyncapi-document';
import { EVENT_TYPES } from '../event-types';
import { ASYNCAPI_DOCUMENT_PATH } from './document-path';
import { ExampleRecord, exampleRecord } from './examples';

/** The guide's `<!-- vector:... -->` blocks, ready to paste. */
async function guideVectors(): Promise<string> {
  const request = await exampleRecord(EVENT_TYPES.PARTNER_DEBIT_REQUESTED);
  const answer = await exampleRecord(EVENT_TYPES.PARTNER_DEBIT_SUCCEEDED);
  const block = (name: string, language: string, text: string): string => `<!-- vector:${name} -->\n\`\`\`${language}\n${text}\n\`\`\`\n`;
  const recordJson = (record: ExampleRecord): string => JSON.stringify({ topic: record.topic, key: record.key, headers: record.headers }, null, 2);
  return [
    block('request-record', 'json', recordJson(request)),
    block('request-value', 'text', request.value),
    block('request-signing-input', 'text', request.signingInput ?? ''),
    block('answer-record', 'json', recordJson(answer)),
    block('answer-value', 'text', answer.value),
    block('answer-signing-input', 'text', answer.signingInput ?? ''),
  ].join('\n');
}

async function main(): Promise<number> {
  if (process.argv.includes('--vectors')) {
    process.stdout.write(await guideVectors());
    return 0;
  }
  const check = process.argv.includes('--check');
  const yaml = await renderAsyncApiYaml();
  const shown = relative(process.cwd(), ASYNCAPI_DOCUMENT_PATH);
  if (check) {
    let committed = '';
    try {
      committed = readFileSync(ASYNCAPI_DOCUMENT_PATH, 'utf8');
    } catch {
      // A missing file differs like any other.
    }
    if (committed === yaml) {
      process.stdout.write(`${shown} is up to date\n`);
      return 0;
    }
    process.stderr.write(`${shown} differs from what libs/contracts produces: run npm run asyncapi and commit the result\n`);
    return 1;
  }
  writeFileSync(ASYNCAPI_DOCUMENT_PATH, yaml);
  process.stdout.write(`wrote ${shown}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
