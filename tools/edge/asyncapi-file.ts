import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/**
 * The AsyncAPI document of the Kafka contract, which the edge serves at /docs/asyncapi.yaml. It is
 * generated into docs/asyncapi.yaml (`npm run asyncapi`); the edge's build copies it next to its
 * output, so one relative path finds it both from the sources (tools/edge -> docs/asyncapi.yaml)
 * and from the build (dist/tools/edge/tools/edge -> dist/tools/edge/docs/asyncapi.yaml), which is
 * what scripts/stack.sh runs and the Docker image holds.
 */
export function defaultAsyncApiFile(moduleDir: string): string {
  return resolve(moduleDir, '../../docs/asyncapi.yaml');
}

/** The document's text, read once at boot; a missing or foreign file stops the edge with its path. */
export function loadAsyncApiDocument(file: string, read: (path: string) => string = (path) => readFileSync(path, 'utf8')): string {
  let text: string;
  try {
    text = read(file);
  } catch (error) {
    throw new Error(`cannot read the AsyncAPI document ${file} (set EDGE_ASYNCAPI_FILE, or build the edge): ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!/^asyncapi: ["']?3\.\d+\.\d+["']?$/m.test(text)) throw new Error(`${file} is not an AsyncAPI 3 document`);
  return text;
}
