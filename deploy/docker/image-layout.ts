/**
 * What an Nx project's image holds: one Dockerfile (deploy/docker/Dockerfile) builds every kirim image, so
 * what differs per project, the build output to ship and the module to start, is read from the project's
 * own Nx configuration when the image is built, never from a list kept beside the Dockerfile.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';

/** The part of an Nx project's configuration read here (`nx show project <name> --json`, or a node of `nx graph`). */
export interface NxProject {
  readonly root: string;
  readonly sourceRoot?: string;
  readonly targets?: Readonly<Record<string, NxTarget>>;
}

export interface NxTarget {
  readonly outputs?: readonly string[];
  readonly options?: { readonly command?: string };
}

export interface ImageLayout {
  /** The build output the image ships whole, relative to the workspace root (`dist/apps/identity`); the image keeps the path. */
  readonly output: string;
  /** The module the image starts, relative to the workspace root, inside `output`. */
  readonly mainModule: string;
}

/**
 * Entry points an image carries besides what its main module imports (the example partner bank's key
 * command): `<dir>/<project>.tsconfig.json`, compiled into the project's build output after its build.
 */
export const IMAGE_EXTRAS_DIR = 'deploy/docker/image-extras';

export function imageExtrasTsconfig(project: string): string {
  return posix.join(IMAGE_EXTRAS_DIR, `${project}.tsconfig.json`);
}

/** A build target's output path with Nx's tokens replaced, relative to the workspace root; refused when it leaves the workspace. */
function resolveOutput(output: string, name: string, project: NxProject): string {
  const path = posix.normalize(
    output
      .replace(/^\{workspaceRoot\}\/?/, '')
      .replace(/\{projectRoot\}/g, project.root)
      .replace(/\{projectName\}/g, name),
  );
  if (/[{}]/.test(path) || path.startsWith('..') || posix.isAbsolute(path) || path === '.') {
    throw new Error(`Nx project ${name}: build output ${output} is not a folder inside the workspace this image build can resolve`);
  }
  return path;
}

/**
 * The image layout of Nx project `name`: its build target's one output folder, and `main.js` of its
 * source root inside it. Every build compiles with the workspace root as tsc's rootDir, so a source file
 * keeps its path below the output (apps/identity/src/main.ts -> dist/apps/identity/apps/identity/src/main.js);
 * deploy/compose.spec.ts checks that of each project the compose file builds.
 */
export function imageLayout(name: string, project: NxProject): ImageLayout {
  const build = project.targets?.['build'];
  if (build === undefined) throw new Error(`Nx project ${name} has no build target, so no image`);
  const outputs = (build.outputs ?? []).map((output) => resolveOutput(output, name, project));
  const [output] = outputs;
  if (output === undefined || outputs.length !== 1) {
    throw new Error(`Nx project ${name}: its build target must have exactly one output folder (it has ${outputs.length})`);
  }
  return { output, mainModule: posix.join(output, project.sourceRoot ?? project.root, 'main.js') };
}

/**
 * Every Nx project of the workspace by name, as Nx resolves them (project.json with nx.json's target
 * defaults), read from `nx graph --file` into a temporary folder: for the checks, which must see what the
 * image build sees. Slow-ish (one Nx run), so read once.
 */
export function loadNxProjects(workspaceRoot: string): Record<string, NxProject> {
  const dir = mkdtempSync(join(tmpdir(), 'kirim-nx-graph-'));
  try {
    const file = join(dir, 'graph.json');
    const run = spawnSync(join(workspaceRoot, 'node_modules', '.bin', 'nx'), ['graph', `--file=${file}`], {
      cwd: workspaceRoot,
      encoding: 'utf8',
      env: { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' },
    });
    if (run.status !== 0) throw new Error(`nx graph failed (${run.status}): ${run.stderr}`);
    const graph = JSON.parse(readFileSync(file, 'utf8')) as { graph: { nodes: Record<string, { data: NxProject }> } };
    return Object.fromEntries(Object.entries(graph.graph.nodes).map(([name, node]) => [name, node.data]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
