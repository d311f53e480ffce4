import { ASYNCAPI_DOCS_PATH, SERVICE_NAMES } from './edge-routes';

/**
 * The page at /docs: one link per service to its Swagger UI and OpenAPI document behind the edge,
 * and the Kafka contract's AsyncAPI document, which the edge serves itself.
 */
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
  <h2>HTTP APIs (OpenAPI)</h2>
  <p>Every service's HTTP API, served through this one base URL.</p>
  <ul>
${items}
  </ul>
  <h2>Kafka contract (AsyncAPI 3.0)</h2>
  <p>Every topic, event type, payload schema, record key, signature and encryption rule, for kirim's services and partner banks.</p>
  <ul>
    <li><a href="${ASYNCAPI_DOCS_PATH}">AsyncAPI YAML</a> &middot; partner banks: see docs/partner-onboarding.md in the repository</li>
  </ul>
</body>
</html>
`;
}
