import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Api, HttpResult } from './api';
import { kirimHome } from './config';
import { serviceUrl } from './openapi';

/** The local operator's key (scripts/stack.sh writes it; payments holds only its digest). */
export function operatorKey(): string {
  const file = join(kirimHome(), 'keys', 'operator.key');
  if (!existsSync(file)) throw new Error(`${file} is missing: start the stack with scripts/stack.sh up`);
  return readFileSync(file, 'utf8').trim();
}

/** A call to a service's operator API (docs/operations.md; payments unless named): its own port, the operator key. */
export function asOperator<T = Record<string, unknown>>(api: Api, method: string, path: string, body?: object, service: 'payments' | 'notifications' = 'payments'): Promise<HttpResult<T>> {
  return api.request<T>(method, `/internal/v1/operator${path}`, {
    baseUrl: serviceUrl(service),
    headers: { authorization: `Bearer ${operatorKey()}` },
    ...(body !== undefined ? { body } : {}),
  });
}

/** The value of `kirim_alerts_total{alert="<alert>"}` on a service's /metrics (0 when never raised). */
export async function alertsRaised(service: 'payments' | 'bank-connector', alert: string): Promise<number> {
  const text = await (await fetch(`${serviceUrl(service)}/metrics`)).text();
  const line = text.split('\n').find((row) => row.startsWith(`kirim_alerts_total{alert="${alert}"}`));
  return line === undefined ? 0 : Number(line.split(' ').pop());
}
