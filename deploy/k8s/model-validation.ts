/**
 * Validates built objects against the JSON schemas of the pinned model packages: Kubernetes' own
 * kinds (kubernetes-models), Strimzi's (@kubernetes-models/strimzi-kafka-operator), CloudNativePG's
 * (@kubernetes-models/cloudnative-pg) and prometheus-operator's (@kubernetes-models/prometheus-operator).
 * An object of a kind none of them knows is a problem too: nothing goes unchecked.
 *
 * The model packages are ESM only, which jest (CommonJS, Node 20) cannot load, so the validation runs
 * in a child `node` process: this file, run as a script, reads a JSON array of objects on stdin and
 * prints the problems as JSON. `validateWithModels` runs it.
 *
 *   node -r ./tools/ts-register.cjs deploy/k8s/model-validation.ts < objects.json
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { K8sObject } from './kustomize-build';
import { REPO_ROOT } from './kustomize-build';

/** Which package holds the models of which API group (the core group is ''). */
const MODEL_PACKAGES: readonly { readonly groups: readonly string[]; readonly packageName: string }[] = [
  { groups: ['kafka.strimzi.io', 'core.strimzi.io'], packageName: '@kubernetes-models/strimzi-kafka-operator' },
  { groups: ['postgresql.cnpg.io'], packageName: '@kubernetes-models/cloudnative-pg' },
  { groups: ['monitoring.coreos.com'], packageName: '@kubernetes-models/prometheus-operator' },
];
const KUBERNETES_MODELS = 'kubernetes-models';

export interface ModelProblem {
  /** `Kind/name` of the object. */
  readonly object: string;
  readonly problem: string;
}

/** The folder of the model module for an apiVersion, or undefined when no package covers its group. */
export function modelModuleFile(apiVersion: string): string | undefined {
  const slash = apiVersion.indexOf('/');
  const group = slash === -1 ? '' : apiVersion.slice(0, slash);
  const version = slash === -1 ? apiVersion : apiVersion.slice(slash + 1);
  const packageName = MODEL_PACKAGES.find((entry) => entry.groups.includes(group))?.packageName ?? KUBERNETES_MODELS;
  // kubernetes-models lays the core group out at its root (`v1/`), the others under their group.
  const file = join(REPO_ROOT, 'node_modules', packageName, ...(group === '' ? [] : [group]), version, 'index.js');
  return existsSync(file) ? file : undefined;
}

interface ModelClass {
  new (data: unknown): { validate(): void };
}

// A real dynamic import: TypeScript compiled to CommonJS would turn `import()` into `require()`,
// which cannot load an ES module on Node 20.
const importModule = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<Record<string, unknown>>;

/** Validates each object with its model; runs where ES modules load (a plain node process). */
export async function validateObjects(objects: readonly K8sObject[]): Promise<ModelProblem[]> {
  const modules = new Map<string, Record<string, unknown>>();
  const problems: ModelProblem[] = [];
  for (const object of objects) {
    const ref = `${object.kind}/${object.metadata.name}`;
    const file = modelModuleFile(object.apiVersion);
    let models = file ? modules.get(file) : undefined;
    if (file && !models) {
      models = await importModule(pathToFileURL(file).href);
      modules.set(file, models);
    }
    const Model = models?.[object.kind] as ModelClass | undefined;
    if (typeof Model !== 'function') {
      problems.push({ object: ref, problem: `no model knows ${object.apiVersion} ${object.kind}: it cannot be validated offline` });
      continue;
    }
    try {
      new Model(object).validate();
    } catch (error) {
      problems.push({ object: ref, problem: error instanceof Error ? error.message : String(error) });
    }
  }
  return problems;
}

/** Runs `validateObjects` in a child node process (from jest) and returns its problems. */
export function validateWithModels(objects: readonly K8sObject[]): ModelProblem[] {
  const result = spawnSync(process.execPath, ['-r', join(REPO_ROOT, 'tools', 'ts-register.cjs'), __filename], {
    cwd: REPO_ROOT,
    input: JSON.stringify(objects),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) throw new Error(`model validation did not run: ${result.stderr || result.error?.message}`);
  return JSON.parse(result.stdout) as ModelProblem[];
}

if (require.main === module) {
  validateObjects(JSON.parse(readFileSync(0, 'utf8')) as K8sObject[]).then(
    (problems) => process.stdout.write(JSON.stringify(problems)),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(1);
    },
  );
}
