import { SERVICE_NAMES } from './edge-routes';

/** The page at /docs: one link per service to its Swagger UI and OpenAPI document behind the edge. */
export function docsIndexHtml(): string {
  const items = SERVICE_NAMES.map(
    (service) =>
      `    <li><a href="/docs/${service}/">${service}</a> &middot; <a href="/docs/${service}-json">OpenAPI JSON</a></li>`,
  ).join('\n');
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>kirim API docs</title>
</head>
<body>
  <h1>kirim API docs</h1>
  <p>Every service's HTTP API, served through this one base URL.</p>
  <ul>
${items}
  </ul>
</body>
</html>
`;
}
