import { AddressInfo } from 'node:net';
import { Body, CanActivate, Controller, Get, INestApplication, Module, Param, Post, UnauthorizedException, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { ApiProblems, ApiPublic, GENERIC_PROBLEMS } from '../http/api-problems.decorator';
import { createServiceApp } from '../bootstrap/create-service-app';
import { createLoggingModule } from '../logging/logging.module';
import { HealthModule } from '../health/health.module';

class NoteDto {
  @IsString()
  @Length(1, 20)
  note!: string;
}

class RefuseEveryone implements CanActivate {
  canActivate(): boolean {
    throw new UnauthorizedException();
  }
}

@ApiTags('notes')
@Controller('notes')
class NotesController {
  @Post()
  @ApiPublic()
  @ApiOkResponse({ description: 'Noted.' })
  @ApiProblems(...GENERIC_PROBLEMS.body)
  create(@Body() body: NoteDto): { note: string } {
    return { note: body.note };
  }

  @Get(':noteId')
  @ApiPublic()
  @ApiOkResponse({ description: 'The note.' })
  @ApiProblems(...GENERIC_PROBLEMS.input)
  read(@Param('noteId') noteId: string): { noteId: string } {
    return { noteId };
  }

  @Post(':noteId/secret')
  @ApiBearerAuth()
  @UseGuards(RefuseEveryone)
  @ApiOkResponse({ description: 'Never.' })
  @ApiProblems(...GENERIC_PROBLEMS.body, ...GENERIC_PROBLEMS.bearer)
  secret(): object {
    return {};
  }
}

@Module({ imports: [createLoggingModule('metrics-it'), HealthModule.forRoot({ database: false })], controllers: [NotesController] })
class NotesModule {}

/**
 * The HTTP metrics through a real app made by createServiceApp, over a socket: every way a
 * request can be answered (a handler, a pipe, a guard, the body limit before routing, no route)
 * is counted under its route template, and what is scraped from `/metrics` holds no path.
 */
describe('createServiceApp: HTTP requests on /metrics', () => {
  let app: INestApplication;
  let base: string;

  beforeAll(async () => {
    process.env.LOG_LEVEL = 'silent';
    app = await createServiceApp(NotesModule, { serviceName: 'metrics-it', openApi: { title: 't', description: 'd', tags: { notes: 'Notes.' } }, bodyLimitBytes: 1024 });
    await app.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(async () => app.close());

  async function scrape(): Promise<{ contentType: string; text: string }> {
    const response = await fetch(`${base}/metrics`);
    return { contentType: response.headers.get('content-type') ?? '', text: await response.text() };
  }

  /** The value of kirim_http_requests_total for these labels in a scrape (0 if absent). */
  function requests(text: string, method: string, route: string, status: string): number {
    const line = text.split('\n').find((candidate) => candidate.startsWith(`kirim_http_requests_total{method="${method}",route="${route}",status="${status}"} `));
    return line ? Number(line.split(' ')[1]) : 0;
  }

  async function send(method: string, path: string, body?: string): Promise<number> {
    const response = await fetch(`${base}${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body });
    await response.arrayBuffer();
    return response.status;
  }

  it('counts answers from handlers, pipes, guards, the body limit and unknown paths, each under its route template', async () => {
    const before = (await scrape()).text;
    expect(await send('GET', '/v1/notes/+919876543210')).toBe(200);
    expect(await send('POST', '/v1/notes', JSON.stringify({ note: '' }))).toBe(400);
    expect(await send('POST', '/v1/notes/n-1/secret', '{}')).toBe(401);
    expect(await send('POST', '/v1/notes', JSON.stringify({ note: 'x'.repeat(5000) }))).toBe(413);
    expect(await send('GET', '/v1/people/+919812345678')).toBe(404);

    const after = (await scrape()).text;
    const moved = (method: string, route: string, status: string): number => requests(after, method, route, status) - requests(before, method, route, status);
    expect(moved('GET', '/v1/notes/:noteId', '200')).toBe(1);
    expect(moved('POST', '/v1/notes', '400')).toBe(1);
    expect(moved('POST', '/v1/notes/:noteId/secret', '401')).toBe(1);
    expect(moved('POST', '/v1/notes', '413')).toBe(1);
    expect(moved('GET', 'unmatched', '404')).toBeGreaterThanOrEqual(1);
    expect(after).toMatch(/^kirim_http_request_duration_seconds_bucket\{le="\+Inf",method="POST",route="\/v1\/notes",status="413"\} \d+$/m);
  });

  it('refuses a repeated query parameter before routing and still counts it under its route', async () => {
    const before = (await scrape()).text;
    expect(await send('GET', '/v1/notes/n-2?x=1&x=2')).toBe(400);
    expect(requests((await scrape()).text, 'GET', '/v1/notes/:noteId', '400') - requests(before, 'GET', '/v1/notes/:noteId', '400')).toBe(1);
  });

  it('serves Prometheus text with the process metrics and no path, id or phone number in any label', async () => {
    const { contentType, text } = await scrape();
    expect(contentType).toMatch(/^text\/plain;.*version=0\.0\.4/);
    expect(text).toMatch(/^process_cpu_user_seconds_total \d/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds \d/m);
    expect(text).toMatch(/route="\/metrics"/);
    expect(text).not.toMatch(/919876543210|919812345678|n-1|n-2|people/);
  });
});
