import { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { Body, Controller, Get, INestApplication, Module, Post, Query, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, Length } from 'class-validator';
import { PROBLEM_CODES } from '@kirim/contracts';
import { ApiProblems, ApiPublic, GENERIC_PROBLEMS } from '../http/api-problems.decorator';
import { createLoggingModule } from '../logging/logging.module';
import { createServiceApp } from './create-service-app';

class NoteDto {
  @IsString()
  @Length(1, 140)
  note!: string;
}

class LookupQuery {
  @IsOptional()
  @IsString()
  phone?: string;
}

class AllowAll {
  canActivate(): boolean {
    return true;
  }
}

@ApiTags('notes')
@Controller('notes')
class NotesController {
  @Post()
  @ApiBearerAuth()
  @UseGuards(AllowAll)
  @ApiCreatedResponse({ description: 'Created.' })
  @ApiProblems(...GENERIC_PROBLEMS.body, ...GENERIC_PROBLEMS.bearer)
  create(@Body() body: NoteDto): { note: string } {
    return { note: body.note };
  }

  @Get()
  @ApiPublic()
  @ApiProblems(PROBLEM_CODES.PAYEE_NOT_FOUND, ...GENERIC_PROBLEMS.input)
  lookup(@Query() query: LookupQuery): { phone: string | null } {
    return { phone: query.phone ?? null };
  }
}

@Module({ imports: [createLoggingModule('platform-it')], controllers: [NotesController] })
class NotesModule {}

/**
 * The input rules through a real Nest app made by createServiceApp, over a socket, so what is
 * tested is what every service runs: Express, body-parser, the global pipes and the filter.
 * Needs neither PostgreSQL nor Kafka.
 */
describe('createServiceApp: every bad input is a 4xx problem', () => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    process.env.LOG_LEVEL = 'silent';
    app = await createServiceApp(NotesModule, { serviceName: 'platform-it', openApi: { title: 't', description: 'd', tags: { notes: 'Notes.' } }, bodyLimitBytes: 2048 });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(async () => app.close());

  async function send(path: string, init: RequestInit = {}): Promise<{ status: number; type: string; body: Record<string, unknown> }> {
    const response = await fetch(`${base}${path}`, init);
    const text = await response.text();
    return { status: response.status, type: response.headers.get('content-type') ?? '', body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }
  const json = (body: string, headers: Record<string, string> = {}): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

  it('accepts a good body', async () => {
    expect(await send('/v1/notes', json('{"note":"hello"}'))).toMatchObject({ status: 201, body: { note: 'hello' } });
  });

  it('names neither its framework nor an ETag in its answers', async () => {
    const response = await fetch(`${base}/v1/notes?phone=%2B919800000001`);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-powered-by')).toBeNull();
    expect(response.headers.get('etag')).toBeNull();
  });

  it('answers a body over the limit with 413 payload-too-large', async () => {
    const result = await send('/v1/notes', json(JSON.stringify({ note: 'x'.repeat(5000) })));
    expect(result).toMatchObject({ status: 413, body: { code: 'payload-too-large', detail: 'The request body is larger than 2048 bytes.' } });
    expect(result.type).toMatch(/^application\/problem\+json/);
  });

  it('applies the limit after decompression (a small gzip bomb is still 413)', async () => {
    const bomb = gzipSync(JSON.stringify({ note: 'x'.repeat(100_000) }));
    expect((await send('/v1/notes', json(bomb as unknown as string, { 'content-encoding': 'gzip' }))).status).toBe(413);
  });

  it('answers malformed JSON, an unsupported charset and an unknown encoding with 4xx problems', async () => {
    expect(await send('/v1/notes', json('{"note":'))).toMatchObject({ status: 400, body: { code: 'validation-failed' } });
    expect(await send('/v1/notes', { method: 'POST', headers: { 'content-type': 'application/json; charset=iso-8859-1' }, body: '{"note":"x"}' })).toMatchObject({ status: 415, body: { code: 'unsupported-media-type' } });
    expect(await send('/v1/notes', json('{"note":"x"}', { 'content-encoding': 'x-zip' }))).toMatchObject({ status: 415, body: { code: 'unsupported-media-type' } });
  });

  it('answers a body of another media type, or none, with 400 (never 500)', async () => {
    expect((await send('/v1/notes', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'note' })).status).toBe(400);
    expect((await send('/v1/notes', { method: 'POST' })).status).toBe(400);
  });

  it('refuses a NUL in a body string with 400 naming the field', async () => {
    expect(await send('/v1/notes', json('{"note":"a\\u0000b"}'))).toMatchObject({ status: 400, body: { code: 'validation-failed', errors: ['note: must not contain control characters'] } });
  });

  it('refuses a repeated query parameter with 400 naming it, and a NUL in one', async () => {
    expect(await send('/v1/notes?phone=1&phone=2')).toMatchObject({ status: 400, body: { code: 'validation-failed', errors: ['phone: must be given at most once'] } });
    expect(await send('/v1/notes?phone=1%002')).toMatchObject({ status: 400, body: { errors: ['phone: must not contain control characters'] } });
    expect(await send('/v1/notes?phone=12')).toMatchObject({ status: 200, body: { phone: '12' } });
  });

  it('serves an OpenAPI document with servers, a license, security on every operation and the catalogued problems', async () => {
    const { body: doc } = await send('/docs-json');
    expect(doc).toMatchObject({ servers: [{ url: '/' }], info: { license: { name: 'Apache-2.0' } }, tags: [{ name: 'notes', description: 'Notes.' }] });
    const paths = doc.paths as Record<string, Record<string, Record<string, unknown>>>;
    const create = paths['/v1/notes'].post;
    const lookup = paths['/v1/notes'].get;
    expect(create).toMatchObject({ operationId: 'notes_create', security: [{ bearer: [] }] });
    expect(Object.keys(create.responses as object).sort()).toEqual(['201', '400', '401', '413', '415', '422', '502', '503', '504']);
    expect(lookup).toMatchObject({ operationId: 'notes_lookup', security: [] });
    expect(lookup).not.toHaveProperty('x-kirim-public');
    const notFound = (lookup.responses as Record<string, { content: Record<string, { schema: { allOf: [unknown, { properties: { code: { enum: string[] } } }] } }> }>)['404'];
    expect(notFound.content['application/problem+json'].schema.allOf[1].properties.code.enum).toEqual(['payee-not-found']);
    expect(doc).toHaveProperty(['components', 'schemas', 'ProblemDetailsSchema', 'properties', 'resultCode']);
  });
});
