/**
 * The last step of deploy/docker/Dockerfile's build stage, after `nx run <project>:build`:
 *
 *   node -r ./tools/ts-register.cjs deploy/docker/stage-image.ts <project> <dest>
 *
 * compiles the project's image extras when it has some (image-layout.ts), then copies its build output
 * to `<dest>` under the same path and writes the path of its main module to `<dest>/main-module`, which
 * deploy/docker/start.sh starts. The runtime stage copies `<dest>` whole, and nothing else of the build.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { ImageLayout, imageExtrasTsconfig, imageLayout, NxProject } from './image-layout';

/** The file, at the image's working directory, that names the module start.sh runs. */
export const MAIN_MODULE_FILE = 'main-module';

export interface StageImageOptions {
  readonly workspaceRoot: string;
  readonly name: string;
  readonly project: NxProject;
  readonly dest: string;
  /** Runs a tool of the workspace's node_modules/.bin in the workspace root; throws when it fails. */
  readonly runTool: (tool: string, args: readonly string[]) => void;
}

export function stageImage({ workspaceRoot, name, project, dest, runTool }: StageImageOptions): ImageLayout {
  const extras = imageExtrasTsconfig(name);
  if (existsSync(join(workspaceRoot, extras))) {
    runTool('tsc', ['-p', extras]);
    runTool('tsc-alias', ['-p', extras]);
  }
  const layout = imageLayout(name, project);
  const main = join(workspaceRoot, layout.mainModule);
  // An image that would start nothing fails its build, not its first pod.
  if (!existsSync(main) || statSync(main).size === 0) throw new Error(`the build of ${name} produced no ${layout.mainModule}`);
  cpSync(join(workspaceRoot, layout.output), join(dest, layout.output), { recursive: true });
  writeFileSync(join(dest, MAIN_MODULE_FILE), `${layout.mainModule}\n`);
  return layout;
}

function main(): void {
  const [name, dest] = process.argv.slice(2);
  if (!name || !dest) throw new Error('usage: stage-image.ts <nx-project> <dest-dir>');
  const workspaceRoot = resolve(__dirname, '..', '..');
  const bin = (tool: string): string => join(workspaceRoot, 'node_modules', '.bin', tool);
  const project = JSON.parse(execFileSync(bin('nx'), ['show', 'project', name, '--json'], { cwd: workspaceRoot, encoding: 'utf8' })) as NxProject;
  const layout = stageImage({
    workspaceRoot,
    name,
    project,
    dest: resolve(dest),
    runTool: (tool, args) => execFileSync(bin(tool), args, { cwd: workspaceRoot, stdio: 'inherit' }),
  });
  process.stdout.write(`${name}: ${layout.output} staged, starting ${layout.mainModule}\n`);
}

if (require.main === module) {
  try {
    main();
  } catch (error) {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
