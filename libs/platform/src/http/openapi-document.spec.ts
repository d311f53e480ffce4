import type { OpenAPIObject } from '@nestjs/swagger';
import { finishOpenApiDocument } from './openapi-document';
import { PUBLIC_OPERATION_EXTENSION } from './api-problems.decorator';

function document(): OpenAPIObject {
  return {
    openapi: '3.0.0',
    info: { title: 't', version: '1' },
    paths: {
      '/v1/payments': { post: { tags: ['payments'], security: [{ bearer: [] }], responses: {} } },
      '/health/live': { get: { tags: ['health'], [PUBLIC_OPERATION_EXTENSION]: true, responses: {} } },
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer' },
        serviceToken: { type: 'http', scheme: 'bearer' },
      },
    },
  } as unknown as OpenAPIObject;
}

describe('finishOpenApiDocument', () => {
  it('keeps only the security schemes some operation uses', () => {
    const finished = finishOpenApiDocument(document());
    expect(Object.keys(finished.components?.securitySchemes ?? {})).toEqual(['bearer']);
  });

  it('gives public operations an explicit empty security, and declares the tags in order with their descriptions', () => {
    const finished = finishOpenApiDocument(document(), { tags: { payments: 'Paying.' } });
    expect(finished.paths['/health/live']?.get).toEqual({ tags: ['health'], security: [], responses: {} });
    expect(finished.tags).toEqual([{ name: 'health' }, { name: 'payments', description: 'Paying.' }]);
  });
});
