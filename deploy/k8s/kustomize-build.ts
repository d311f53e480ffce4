/**
 * Builds the kustomize overlays of deploy/k8s with the real tool (`kubectl kustomize`, kustomize v5,
 * offline) and parses what it prints, for the checks in deploy/k8s/*.spec.ts. A machine without
 * kubectl fails those checks with a message saying to install it: they are not optional.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseAllDocuments } from 'yaml';

export const K8S_DIR = resolve(__dirname);
export const REPO_ROOT = resolve(__dirname, '..', '..');
export const OVERLAYS_DIR = join(K8S_DIR, 'overlays');

/** A built object: what kustomize printed, as plain data. */
export interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Readonly<Record<string, string>>; readonly annotations?: Readonly<Record<string, string>> };
  readonly [field: string]: unknown;
}

/** Every overlay: a folder of deploy/k8s/overlays with a kustomization.yaml. */
export function overlayNames(): string[] {
  return readdirSync(OVERLAYS_DIR)
    .filter((name) => statSync(join(OVERLAYS_DIR, name)).isDirectory())
    .sort();
}

/** `Kind/name`, how findings and test titles name an object. */
export function refOf(object: Pick<K8sObject, 'kind' | 'metadata'>): string {
  return `${object.kind}/${object.metadata.name}`;
}

/** Runs `kubectl kustomize <dir>`; throws with what went wrong, telling to install kubectl if it is missing. */
export function kustomize(dir: string): string {
  const result = spawnSync('kubectl', ['kustomize', dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (result.error) {
    if ((result.error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(
        'kubectl is not installed (or not on PATH): the deploy/k8s checks build every overlay with `kubectl kustomize`. ' +
          'Install kubectl (v1.27 or later; it carries kustomize v5 and builds offline), then run the tests again.',
      );
    }
    throw result.error;
  }
  if (result.status !== 0) throw new Error(`kubectl kustomize ${dir} failed:\n${result.stderr}`);
  return result.stdout;
}

/** The objects of a multi-document YAML stream; a document that is not an object with a kind and a name is an error. */
export function parseObjects(text: string): K8sObject[] {
  return parseAllDocuments(text).flatMap((document, index) => {
    if (document.errors.length > 0) throw new Error(`document ${index}: ${document.errors.map((error) => error.message).join('; ')}`);
    const value: unknown = document.toJS();
    if (value === null || value === undefined) return [];
    if (!isK8sObject(value)) throw new Error(`document ${index} is not a Kubernetes object (apiVersion, kind, metadata.name)`);
    return [value];
  });
}

function isK8sObject(value: unknown): value is K8sObject {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as { apiVersion?: unknown; kind?: unknown; metadata?: { name?: unknown } };
  return typeof candidate.apiVersion === 'string' && typeof candidate.kind === 'string' && typeof candidate.metadata?.name === 'string';
}

const built = new Map<string, K8sObject[]>();

/** The objects an overlay builds to (built once per test process). */
export function buildOverlay(name: string): K8sObject[] {
  let objects = built.get(name);
  if (!objects) {
    objects = parseObjects(kustomize(join(OVERLAYS_DIR, name)));
    built.set(name, objects);
  }
  return objects;
}

export function objectsOfKind<T extends K8sObject = K8sObject>(objects: readonly K8sObject[], kind: string): T[] {
  return objects.filter((object) => object.kind === kind) as T[];
}

export function findObject(objects: readonly K8sObject[], kind: string, name: string): K8sObject {
  const found = objects.find((object) => object.kind === kind && object.metadata.name === name);
  if (!found) throw new Error(`no ${kind}/${name} in the built objects`);
  return found;
}

/** An overlay's cluster settings (its cluster-settings.yaml: a local-config ConfigMap kustomize reads and drops). */
export function clusterSettings(overlay: string): Readonly<Record<string, string>> {
  const [settings] = parseObjects(readFileSync(join(OVERLAYS_DIR, overlay, 'cluster-settings.yaml'), 'utf8'));
  if (settings?.kind !== 'ConfigMap' || settings.metadata.name !== 'kirim-cluster-settings') throw new Error(`overlays/${overlay}/cluster-settings.yaml must hold the ConfigMap kirim-cluster-settings`);
  return (settings['data'] ?? {}) as Record<string, string>;
}
