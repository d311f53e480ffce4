import { PREFIX_ROUTES } from '@kirim/contracts';
import type { IIngress } from 'kubernetes-models/networking.k8s.io/v1/Ingress';
import { buildOverlay, clusterSettings, findObject, K8sObject, objectsOfKind, overlayNames } from './kustomize-build';

const BUILD_TIMEOUT_MS = 60_000;

/** Paths that must never be public: service-to-service and operator endpoints, metrics, probes, the sandbox's administration. */
const NEVER_PUBLIC = [/^\/internal(\/|$)/, /^\/metrics(\/|$)/, /^\/health(\/|$)/, /^\/v1\/sandbox(\/|$)/, /operator/];

describe.each(overlayNames())('the Ingress of the %s overlay', (overlay) => {
  let objects: K8sObject[];
  let ingress: IIngress;
  beforeAll(() => {
    objects = buildOverlay(overlay);
    const ingresses = objectsOfKind(objects, 'Ingress');
    expect(ingresses.map((object) => object.metadata.name)).toEqual(['kirim']);
    ingress = ingresses[0] as unknown as IIngress;
  }, BUILD_TIMEOUT_MS);

  it("routes exactly the edge's public routing table (tools/edge/edge-routes.ts), each prefix to its service", () => {
    const paths = (ingress.spec?.rules ?? []).flatMap((rule) => rule.http?.paths ?? []);
    const routed = paths.map((path) => ({ prefix: path.path, service: path.backend.service?.name, pathType: path.pathType, port: path.backend.service?.port?.name }));
    const expected = PREFIX_ROUTES.map((route) => ({ prefix: route.prefix, service: route.service, pathType: 'Prefix', port: 'http' }));
    const byPrefix = (a: { prefix?: string }, b: { prefix?: string }): number => (a.prefix ?? '').localeCompare(b.prefix ?? '');
    expect([...routed].sort(byPrefix)).toEqual([...expected].sort(byPrefix));
  });

  it('never routes internal, operator, metrics, probe or sandbox paths', () => {
    const paths = (ingress.spec?.rules ?? []).flatMap((rule) => (rule.http?.paths ?? []).map((path) => path.path ?? ''));
    for (const path of paths) expect([path, NEVER_PUBLIC.some((pattern) => pattern.test(path))]).toEqual([path, false]);
  });

  it('has one host, the one cluster-settings.yaml names, and the ingress class it names', () => {
    const settings = clusterSettings(overlay);
    expect((ingress.spec?.rules ?? []).map((rule) => rule.host)).toEqual([settings['publicHost']]);
    expect(ingress.spec?.ingressClassName).toBe(settings['ingressClassName']);
    expect(ingress.spec?.defaultBackend).toBeUndefined();
  });

  it("sends each route to a Service of the overlay on its port named http", () => {
    for (const path of (ingress.spec?.rules ?? []).flatMap((rule) => rule.http?.paths ?? [])) {
      const service = findObject(objects, 'Service', path.backend.service?.name ?? '') as K8sObject & { spec: { ports: { name: string }[] } };
      expect(service.spec.ports.map((port) => port.name)).toContain('http');
    }
  });
});

describe('TLS on the Ingress', () => {
  it("terminates production's host with the certificate of the Secret kirim-ingress-tls", () => {
    const ingress = findObject(buildOverlay('production'), 'Ingress', 'kirim') as unknown as IIngress;
    expect(ingress.spec?.tls).toEqual([{ hosts: [clusterSettings('production')['publicHost']], secretName: 'kirim-ingress-tls' }]);
  }, BUILD_TIMEOUT_MS);
});
