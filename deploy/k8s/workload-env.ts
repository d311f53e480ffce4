/**
 * The environment a container of a built workload starts with, worked out from its `envFrom`
 * ConfigMaps and its `env` (later entries win, as in Kubernetes), with where each value comes from:
 * a literal, or a Secret's key (never read: the manifests hold only names).
 */
import type { IContainer } from 'kubernetes-models/v1/Container';
import type { K8sObject } from './kustomize-build';
import { findObject } from './kustomize-build';
import { podSpecOf } from './workload-lint';

export type EnvSource =
  | { readonly kind: 'literal'; readonly value: string }
  | { readonly kind: 'secret'; readonly secret: string; readonly key: string; readonly optional: boolean }
  | { readonly kind: 'config-map-key'; readonly configMap: string; readonly key: string; readonly value: string | undefined };

export function containerOf(workload: K8sObject, name?: string): IContainer {
  const pod = podSpecOf(workload);
  const container = pod?.containers.find((candidate) => name === undefined || candidate.name === name);
  if (!container) throw new Error(`${workload.kind}/${workload.metadata.name} has no container${name ? ` ${name}` : ''}`);
  return container;
}

/** Each variable of the container's environment and its source. */
export function environmentOf(objects: readonly K8sObject[], container: IContainer): Map<string, EnvSource> {
  const env = new Map<string, EnvSource>();
  for (const from of container.envFrom ?? []) {
    if (from.secretRef) throw new Error(`${container.name}: envFrom a Secret hides which keys it takes; name each with secretKeyRef`);
    if (!from.configMapRef?.name) continue;
    const data = (findObject(objects, 'ConfigMap', from.configMapRef.name)['data'] ?? {}) as Record<string, string>;
    for (const [name, value] of Object.entries(data)) env.set(`${from.prefix ?? ''}${name}`, { kind: 'literal', value });
  }
  for (const variable of container.env ?? []) {
    const secret = variable.valueFrom?.secretKeyRef;
    const configMapKey = variable.valueFrom?.configMapKeyRef;
    if (variable.value !== undefined) env.set(variable.name, { kind: 'literal', value: variable.value });
    else if (secret) env.set(variable.name, { kind: 'secret', secret: secret.name ?? '', key: secret.key, optional: secret.optional === true });
    else if (configMapKey) {
      const data = (findObject(objects, 'ConfigMap', configMapKey.name ?? '')['data'] ?? {}) as Record<string, string>;
      env.set(variable.name, { kind: 'config-map-key', configMap: configMapKey.name ?? '', key: configMapKey.key, value: data[configMapKey.key] });
    }
  }
  return env;
}

/** The literal values only (what a ConfigMap or `value:` sets), for checks that read them. */
export function literalEnv(env: ReadonlyMap<string, EnvSource>): Record<string, string> {
  const literals: Record<string, string> = {};
  for (const [name, source] of env) {
    if (source.kind === 'literal') literals[name] = source.value;
    else if (source.kind === 'config-map-key' && source.value !== undefined) literals[name] = source.value;
  }
  return literals;
}
