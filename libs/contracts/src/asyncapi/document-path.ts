import { resolve } from 'node:path';

/** Where the generated AsyncAPI document is committed (the edge serves a copy of it under /docs). */
export const ASYNCAPI_DOCUMENT_PATH = resolve(__dirname, '../../../../docs/asyncapi.yaml');
