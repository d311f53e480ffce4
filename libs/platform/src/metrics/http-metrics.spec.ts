import { EventEmitter } from 'node:events';
import { serviceMetrics } from './alerts';
import { HttpRequestMetrics, methodLabel, RouteTemplates, UNMATCHED_ROUTE } from './http-metrics';

const ROUTES = new RouteTemplates([
  '/v1/payments',
  '/v1/payments/{paymentId}',
  '/v1/payments/history',
  '/v1/payee-resolutions/{phone}/accounts',
  '/internal/v1/operator/dead-letters/{deadLetterId}/replay',
  '/health/live',
  '/docs/*',
]);

describe('RouteTemplates', () => {
  it.each([
    ['/v1/payments', '/v1/payments'],
    ['/v1/payments/', '/v1/payments'],
    ['/v1/payments?limit=5', '/v1/payments'],
    ['/v1/payments/3f0e6a8e-1b2c-4d5e-8f90-123456789abc', '/v1/payments/:paymentId'],
    ['/V1/Payments/3f0e6a8e-1b2c-4d5e-8f90-123456789abc', '/v1/payments/:paymentId'],
    ['/v1/payments/history', '/v1/payments/history'],
    ['/v1/payee-resolutions/+919876543210/accounts', '/v1/payee-resolutions/:phone/accounts'],
    ['/internal/v1/operator/dead-letters/abc/replay', '/internal/v1/operator/dead-letters/:deadLetterId/replay'],
    ['/health/live', '/health/live'],
    ['/docs/swagger-ui.css', '/docs/*path'],
  ])('labels %s with its template %s', (url, label) => {
    expect(ROUTES.labelOf(url)).toBe(label);
  });

  it.each([
    ['a path no route serves, holding a phone number', '/v1/users/+919876543210'],
    ['a path one segment too long', '/v1/payments/3f0e6a8e/refunds'],
    ['an empty parameter', '/v1/payee-resolutions//accounts'],
    ['the root', '/'],
    ['no path at all', undefined],
    ['an absolute URL (a proxy request)', 'http://evil.example/v1/payments'],
    ['a wildcard with nothing below it', '/docs/'],
  ])('labels %s as unmatched, never with the path', (_what, url) => {
    expect(ROUTES.labelOf(url)).toBe(UNMATCHED_ROUTE);
  });
});

describe('methodLabel', () => {
  it('keeps the methods routes serve and folds every other into OTHER', () => {
    expect(['get', 'POST', 'Patch', 'DELETE', 'HEAD', 'OPTIONS', 'PUT'].map(methodLabel)).toEqual(['GET', 'POST', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'PUT']);
    expect(['PROPFIND', 'M-SEARCH', 'BREW', undefined].map(methodLabel)).toEqual(['OTHER', 'OTHER', 'OTHER', 'OTHER']);
  });
});

describe('HttpRequestMetrics', () => {
  class FakeResponse extends EventEmitter {
    statusCode = 200;
    writableFinished = false;
  }

  async function countOf(labels: Record<string, string>): Promise<number> {
    const metric = await serviceMetrics.getSingleMetric('kirim_http_requests_total')?.get();
    return metric?.values.find((value) => Object.entries(labels).every(([name, text]) => value.labels[name] === text))?.value ?? 0;
  }

  function serve(metrics: HttpRequestMetrics, request: { method: string; url: string; originalUrl?: string }, answer: (response: FakeResponse) => void): void {
    const response = new FakeResponse();
    let nextCalled = false;
    metrics.middleware(request, response, () => {
      nextCalled = true;
    });
    expect(nextCalled).toBe(true);
    answer(response);
    response.emit('close');
  }

  it('counts each answered request under its method, route template and status, and times it', async () => {
    const metrics = new HttpRequestMetrics();
    metrics.useRoutes(ROUTES);
    const labels = { method: 'GET', route: '/v1/payments/:paymentId', status: '404' };
    const before = await countOf(labels);
    serve(metrics, { method: 'GET', url: '/v1/payments/3f0e6a8e-1b2c-4d5e-8f90-123456789abc' }, (response) => {
      response.statusCode = 404;
      response.writableFinished = true;
    });
    expect(await countOf(labels)).toBe(before + 1);
    const text = await serviceMetrics.metrics();
    expect(text).toMatch(/^kirim_http_request_duration_seconds_count\{method="GET",route="\/v1\/payments\/:paymentId",status="404"\} \d+$/m);
  });

  it('labels by the URL the request came with, not one rewritten further on', async () => {
    const metrics = new HttpRequestMetrics();
    metrics.useRoutes(ROUTES);
    const labels = { method: 'POST', route: '/v1/payments', status: '413' };
    const before = await countOf(labels);
    serve(metrics, { method: 'POST', url: '/rewritten', originalUrl: '/v1/payments' }, (response) => {
      response.statusCode = 413;
      response.writableFinished = true;
    });
    expect(await countOf(labels)).toBe(before + 1);
  });

  it('counts a request whose client went away before the answer as aborted', async () => {
    const metrics = new HttpRequestMetrics();
    metrics.useRoutes(ROUTES);
    const labels = { method: 'POST', route: '/v1/payments', status: 'aborted' };
    const before = await countOf(labels);
    serve(metrics, { method: 'POST', url: '/v1/payments' }, () => undefined);
    expect(await countOf(labels)).toBe(before + 1);
  });

  it('never puts a path into a label: unmatched paths, phone numbers and ids stay out of the exposition', async () => {
    const metrics = new HttpRequestMetrics();
    metrics.useRoutes(ROUTES);
    for (const url of ['/v1/users/+919876543210', '/v1/payments/3f0e6a8e-1b2c-4d5e-8f90-123456789abc', '/v1/payee-resolutions/+919812345678/accounts?x=1']) {
      serve(metrics, { method: 'GET', url }, (response) => {
        response.statusCode = 404;
        response.writableFinished = true;
      });
    }
    const text = await serviceMetrics.metrics();
    expect(text).not.toMatch(/919876543210|919812345678|3f0e6a8e/);
    expect(text).toMatch(/route="unmatched"/);
  });

  it('labels every request unmatched until the routes are known', async () => {
    const metrics = new HttpRequestMetrics();
    const labels = { method: 'GET', route: UNMATCHED_ROUTE, status: '200' };
    const before = await countOf(labels);
    serve(metrics, { method: 'GET', url: '/v1/payments' }, (response) => {
      response.writableFinished = true;
    });
    expect(await countOf(labels)).toBe(before + 1);
  });
});
