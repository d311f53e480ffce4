import { Writable } from 'node:stream';
import pino from 'pino';
import { censorSensitiveFields, logCensoring, REDACTION_CENSOR, TOO_DEEP_CENSOR } from './redaction';

function captureLogger(serializers: Parameters<typeof logCensoring>[0] = {}) {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString());
      callback();
    },
  });
  const logger = pino({ base: { service: 'test' }, ...logCensoring(serializers) }, stream);
  return { logger, lines };
}

describe('log redaction', () => {
  it('redacts secrets and personal data at any depth and keeps the rest', () => {
    const { logger, lines } = captureLogger();
    logger.info(
      {
        req: { headers: { authorization: 'Bearer abc.def', cookie: 'sid=1', 'idempotency-key': 'key-1' } },
        pin: '1234',
        payer: { phone: '+919876543210', accountNumber: '001122334455', name: 'Asha' },
        bank: { credentials: { privateKey: 'PEM', secret: 's3cr3t' }, otp: '999999' },
        session: { accessToken: 'jwt', token: 't', password: 'p', mobile: '98765', phoneNumber: '+91' },
      },
      'payment initiated',
    );
    const line = lines.join('');
    const entry = JSON.parse(line) as Record<string, Record<string, unknown>>;

    for (const secret of ['Bearer abc.def', 'sid=1', '1234', '+919876543210', '001122334455', 'PEM', 's3cr3t', '999999', 'jwt']) {
      expect(line).not.toContain(secret);
    }
    expect(entry['req']).toEqual({ headers: { authorization: '[redacted]', cookie: '[redacted]', 'idempotency-key': 'key-1' } });
    expect(entry['pin']).toBe('[redacted]');
    expect(entry['payer']).toEqual({ phone: '[redacted]', accountNumber: '[redacted]', name: 'Asha' });
    expect(entry['session']).toEqual({
      accessToken: '[redacted]',
      token: '[redacted]',
      password: '[redacted]',
      mobile: '[redacted]',
      phoneNumber: '[redacted]',
    });
    expect(entry['service']).toBe('test');
  });

  it('censors at any depth up to eight levels and in any letter case, arrays included', () => {
    const { logger, lines } = captureLogger();
    logger.info({ a: { b: { c: { d: { e: { PIN: '4321', Authorization: 'Bearer deep' } } } } }, legs: [{ accountNumber: '5566778899' }, { bank: 'SBXA' }] }, 'deep');
    const entry = JSON.parse(lines.join('')) as { a: { b: { c: { d: { e: unknown } } } }; legs: unknown[] };
    expect(entry.a.b.c.d.e).toEqual({ PIN: REDACTION_CENSOR, Authorization: REDACTION_CENSOR });
    expect(entry.legs).toEqual([{ accountNumber: REDACTION_CENSOR }, { bank: 'SBXA' }]);
  });

  it('writes nothing nested deeper than eight levels, sensitive or not', () => {
    let nested: Record<string, unknown> = { phone: '+919800000009' };
    for (let level = 0; level < 10; level++) nested = { level: nested };
    const censored = censorSensitiveFields(nested);
    expect(JSON.stringify(censored)).not.toContain('9800000009');
    expect(JSON.stringify(censored)).toContain(TOO_DEEP_CENSOR);
  });

  it('censors the base bindings as well as lines (child bindings are refused by lint: pino does not format them)', () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(chunk.toString());
        callback();
      },
    });
    pino({ base: { service: 'test', session: { token: 'tok-123' } }, ...logCensoring({}) }, stream).info({ paymentId: 'p-1' }, 'bound');
    expect(lines.join('')).not.toContain('tok-123');
    expect(JSON.parse(lines.join(''))).toMatchObject({ service: 'test', session: { token: REDACTION_CENSOR }, paymentId: 'p-1' });
  });

  it('leaves an error to its serializer and censors what the serializer returns', () => {
    const { logger, lines } = captureLogger({ err: (error: Error & { otp?: string }) => ({ type: error.name, message: error.message, otp: error.otp }) });
    logger.error({ err: Object.assign(new Error('bank refused'), { otp: '112233' }) }, 'failed');
    const entry = JSON.parse(lines.join('')) as { err: unknown };
    expect(entry.err).toEqual({ type: 'Error', message: 'bank refused', otp: REDACTION_CENSOR });
  });

  it('returns the very object it was given when nothing in it is sensitive, and never changes what it was given', () => {
    const plain = { type: 'kirim.bank.leg.answered.v1', paymentId: 'p-1', nested: { list: [1, 2, { bank: 'SBXA' }] } };
    expect(censorSensitiveFields(plain)).toBe(plain);
    const sensitive = { payer: { phone: '+919800000001', name: 'Asha' }, other: { bank: 'SBXA' } };
    const censored = censorSensitiveFields(sensitive);
    expect(censored).toEqual({ payer: { phone: REDACTION_CENSOR, name: 'Asha' }, other: { bank: 'SBXA' } });
    expect(sensitive.payer.phone).toBe('+919800000001');
    expect(censored.other).toBe(sensitive.other);
  });

  it('writes values with their own JSON form (dates, buffers) as they choose', () => {
    const at = new Date('2026-12-03T09:00:00.000Z');
    expect(censorSensitiveFields({ at })).toEqual({ at });
  });
});

describe('request log lines', () => {
  it('keep the path but drop the query string and parsed query, which may hold phone numbers', () => {
    const { serializeRequestWithoutQuery } = jest.requireActual<typeof import('./logging.module')>('./logging.module');
    const serialized = serializeRequestWithoutQuery({
      id: 'r1',
      method: 'GET',
      url: '/v1/payment-parties?payeePhone=+919800000001',
      headers: { accept: 'application/json' },
      query: { payeePhone: '+919800000001' },
    } as Parameters<typeof serializeRequestWithoutQuery>[0]);
    expect(JSON.stringify(serialized)).not.toContain('9800000001');
    expect(serialized.url).toBe('/v1/payment-parties');
  });
});

describe('logged request headers', () => {
  it('keep only an allowlist, so credentials in any header (e.g. x-sandbox-admin-token) stay out', () => {
    const { serializeRequestWithoutQuery } = jest.requireActual<typeof import('./logging.module')>('./logging.module');
    const serialized = serializeRequestWithoutQuery({
      method: 'POST',
      url: '/v1/sandbox/accounts',
      headers: { 'x-sandbox-admin-token': 'top-secret', authorization: 'Bearer abc', 'x-request-id': 'r-1' },
    });
    expect(JSON.stringify(serialized)).not.toContain('top-secret');
    expect(JSON.stringify(serialized)).not.toContain('Bearer');
    expect(serialized.headers).toEqual({ 'x-request-id': 'r-1' });
  });
});

describe('logged errors', () => {
  it('carry type, message, SQLSTATE and stack, but not the query parameters or PostgreSQL detail', () => {
    const { serializeErrorWithoutData } = jest.requireActual<typeof import('./logging.module')>('./logging.module');
    const error = Object.assign(new Error('duplicate key value violates unique constraint'), {
      name: 'QueryFailedError',
      code: '23505',
      parameters: ['+919800000001'],
      detail: 'Key (phone)=(+919800000001) already exists.',
    });
    const serialized = serializeErrorWithoutData(error);
    expect(JSON.stringify(serialized)).not.toContain('9800000001');
    expect(serialized).toMatchObject({ type: 'QueryFailedError', code: '23505', message: 'duplicate key value violates unique constraint' });
  });

  it('pick the same fields from the plain copy pino-http hands over (its standard serializer runs first), dropping the rest', () => {
    const { serializeErrorWithoutData } = jest.requireActual<typeof import('./logging.module')>('./logging.module');
    const { err: standardSerializer } = jest.requireActual<typeof import('pino-std-serializers')>('pino-std-serializers');
    class QueryFailedError extends Error {}
    const error = Object.assign(new QueryFailedError('duplicate key value violates unique constraint'), {
      code: '23505',
      parameters: ['+919800000001'],
      detail: 'Key (phone)=(+919800000001) already exists.',
    });
    const serialized = serializeErrorWithoutData(standardSerializer(error));
    expect(JSON.stringify(serialized)).not.toContain('9800000001');
    expect(serialized).toEqual({ type: 'QueryFailedError', code: '23505', message: 'duplicate key value violates unique constraint', stack: error.stack });
  });

  it('name a thrown value that is not an Error by its kind and field names, never its values', () => {
    const { serializeErrorWithoutData } = jest.requireActual<typeof import('./logging.module')>('./logging.module');
    const serialized = serializeErrorWithoutData({ paymentId: 'p-1', phone: '+919800000001' });
    expect(JSON.stringify(serialized)).not.toContain('9800000001');
    expect(serialized).toEqual({ type: 'Object', message: 'a thrown value that is not an Error', fields: ['paymentId', 'phone'] });
    expect(serializeErrorWithoutData('boom')).toEqual({ type: 'string', message: 'boom' });
  });
});

describe("a request's own log line", () => {
  /** Runs one request through pino-http with the services' options and returns the line it logged. */
  async function logLineFor(status: number, headers: Record<string, string> = {}): Promise<Record<string, unknown>> {
    const { createServer } = jest.requireActual<typeof import('node:http')>('node:http');
    const pinoHttp = jest.requireActual<typeof import('pino-http')>('pino-http').default;
    const { pinoHttpOptions } = jest.requireActual<typeof import('./logging.module')>('./logging.module');
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        lines.push(chunk.toString());
        callback();
      },
    });
    const log = pinoHttp(pinoHttpOptions('payments', 'info'), sink);
    const server = createServer((req, res) => {
      log(req, res);
      for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
      res.statusCode = status;
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as { port: number };
      await fetch(`http://127.0.0.1:${port}/v1/payments`);
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(lines).toHaveLength(1);
    return JSON.parse(lines.join('')) as Record<string, unknown>;
  }

  it('names a 5xx without a stack (the problem filter logs the stack of what was thrown)', async () => {
    const line = await logLineFor(503);
    expect(line['err']).toEqual({ type: 'Error', message: 'failed with status code 503' });
    expect((line['res'] as { statusCode: number }).statusCode).toBe(503);
  });

  it('censors a response\'s set-cookie header', async () => {
    const line = await logLineFor(200, { 'set-cookie': 'session=s3cr3t' });
    expect(JSON.stringify(line)).not.toContain('s3cr3t');
    expect((line['res'] as { headers: Record<string, unknown> }).headers['set-cookie']).toBe(REDACTION_CENSOR);
  });

  it('carries no error for a success', async () => {
    const line = await logLineFor(200);
    expect(line['err']).toBeUndefined();
    expect(line['msg']).toBe('request completed');
  });
});
