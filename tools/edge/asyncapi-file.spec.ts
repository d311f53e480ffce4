import { resolve } from 'node:path';
import { defaultAsyncApiFile, loadAsyncApiDocument } from './asyncapi-file';

describe('the AsyncAPI document the edge serves', () => {
  const root = resolve(__dirname, '../..');

  it('is found in docs/ when the edge runs from its sources', () => {
    expect(defaultAsyncApiFile(resolve(root, 'tools/edge'))).toBe(resolve(root, 'docs/asyncapi.yaml'));
  });

  it('is found beside the build output, where the build copies it (scripts/stack.sh and the Docker image run the build)', () => {
    expect(defaultAsyncApiFile(resolve(root, 'dist/tools/edge/tools/edge'))).toBe(resolve(root, 'dist/tools/edge/docs/asyncapi.yaml'));
  });

  it('loads the committed document from the sources', () => {
    expect(loadAsyncApiDocument(defaultAsyncApiFile(__dirname))).toMatch(/^asyncapi: 3\.0\.0$/m);
  });

  it('stops the edge with the path when the file is missing', () => {
    const missing = (): string => {
      throw new Error('ENOENT: no such file or directory');
    };
    expect(() => loadAsyncApiDocument('/nowhere/asyncapi.yaml', missing)).toThrow(/\/nowhere\/asyncapi\.yaml.*EDGE_ASYNCAPI_FILE.*ENOENT/);
  });

  it('refuses a file that is not an AsyncAPI 3 document', () => {
    expect(() => loadAsyncApiDocument('/x/openapi.yaml', () => 'openapi: 3.1.0\n')).toThrow('/x/openapi.yaml is not an AsyncAPI 3 document');
    expect(() => loadAsyncApiDocument('/x/old.yaml', () => "asyncapi: '2.6.0'\n")).toThrow('not an AsyncAPI 3 document');
    expect(loadAsyncApiDocument('/x/ok.yaml', () => "# comment\nasyncapi: '3.0.0'\ninfo: {}\n")).toContain('3.0.0');
  });
});
