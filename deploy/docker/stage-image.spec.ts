/**
 * The image build's staging step on a workspace made in a temporary folder: what the runtime stage of
 * deploy/docker/Dockerfile copies is exactly what stageImage leaves in its destination. (The real projects'
 * layouts are checked in deploy/compose.spec.ts.)
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { imageLayout, NxProject } from './image-layout';
import { MAIN_MODULE_FILE, stageImage } from './stage-image';

const DEFAULT_OUTPUTS = ['{workspaceRoot}/dist/{projectRoot}'];
const app: NxProject = { root: 'apps/shop', sourceRoot: 'apps/shop/src', targets: { build: { outputs: DEFAULT_OUTPUTS } } };

let root: string;
let workspace: string;
let dest: string;

function write(path: string, text: string): void {
  mkdirSync(dirname(join(workspace, path)), { recursive: true });
  writeFileSync(join(workspace, path), text);
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'kirim-stage-image-'));
  workspace = join(root, 'workspace');
  dest = join(root, 'out');
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('imageLayout', () => {
  it('ships the build target output, with main.js of the source root inside it', () => {
    expect(imageLayout('shop', app)).toEqual({ output: 'dist/apps/shop', mainModule: 'dist/apps/shop/apps/shop/src/main.js' });
    expect(imageLayout('proxy', { root: 'tools/proxy', targets: { build: { outputs: ['{workspaceRoot}/dist/{projectName}'] } } })).toEqual({
      output: 'dist/proxy',
      mainModule: 'dist/proxy/tools/proxy/main.js',
    });
  });

  it('refuses a project it cannot place in an image', () => {
    expect(() => imageLayout('lib', { root: 'libs/lib' })).toThrow('Nx project lib has no build target, so no image');
    expect(() => imageLayout('two', { root: 'apps/two', targets: { build: { outputs: ['{workspaceRoot}/dist/a', '{workspaceRoot}/dist/b'] } } })).toThrow('exactly one output folder (it has 2)');
    expect(() => imageLayout('none', { root: 'apps/none', targets: { build: {} } })).toThrow('exactly one output folder (it has 0)');
    expect(() => imageLayout('out', { root: 'apps/out', targets: { build: { outputs: ['{workspaceRoot}/../elsewhere'] } } })).toThrow('not a folder inside the workspace');
    expect(() => imageLayout('opt', { root: 'apps/opt', targets: { build: { outputs: ['{options.outputPath}'] } } })).toThrow('not a folder inside the workspace');
  });
});

describe('stageImage', () => {
  const noTools = (tool: string): never => {
    throw new Error(`unexpected ${tool}`);
  };

  it("copies the project's build output whole, under its own path, and names its main module", () => {
    write('dist/apps/shop/apps/shop/src/main.js', 'require("./app");\n');
    write('dist/apps/shop/apps/shop/src/app.js', 'module.exports = {};\n');
    write('dist/apps/shop/docs/contract.yaml', 'asyncapi: 3.0.0\n');
    write('dist/apps/other/apps/other/src/main.js', 'other\n');
    write('apps/shop/src/main.ts', 'source\n');

    const layout = stageImage({ workspaceRoot: workspace, name: 'shop', project: app, dest, runTool: noTools });

    expect(layout.mainModule).toBe('dist/apps/shop/apps/shop/src/main.js');
    expect(readFileSync(join(dest, MAIN_MODULE_FILE), 'utf8')).toBe('dist/apps/shop/apps/shop/src/main.js\n');
    expect(readFileSync(join(dest, 'dist/apps/shop/apps/shop/src/app.js'), 'utf8')).toBe('module.exports = {};\n');
    expect(readFileSync(join(dest, 'dist/apps/shop/docs/contract.yaml'), 'utf8')).toBe('asyncapi: 3.0.0\n');
    // Nothing but that output: no other project's build, no source.
    expect(readdirSync(dest).sort()).toEqual(['dist', MAIN_MODULE_FILE]);
    expect(readdirSync(join(dest, 'dist/apps'))).toEqual(['shop']);
  });

  it('compiles the image extras into the output before staging, when the project has some', () => {
    write('deploy/docker/image-extras/shop.tsconfig.json', '{}\n');
    write('dist/apps/shop/apps/shop/src/main.js', 'main\n');
    const calls: string[] = [];
    stageImage({
      workspaceRoot: workspace,
      name: 'shop',
      project: app,
      dest,
      runTool: (tool, args) => {
        calls.push([tool, ...args].join(' '));
        // What tsc would emit: the extra entry point beside the app's own output.
        if (tool === 'tsc') write('dist/apps/shop/libs/kit/src/bin/keys.js', 'keys\n');
      },
    });
    expect(calls).toEqual(['tsc -p deploy/docker/image-extras/shop.tsconfig.json', 'tsc-alias -p deploy/docker/image-extras/shop.tsconfig.json']);
    expect(readFileSync(join(dest, 'dist/apps/shop/libs/kit/src/bin/keys.js'), 'utf8')).toBe('keys\n');
  });

  it('fails the image build when the build produced no main module, or an empty one', () => {
    write('dist/apps/shop/apps/shop/src/other.js', 'other\n');
    expect(() => stageImage({ workspaceRoot: workspace, name: 'shop', project: app, dest, runTool: noTools })).toThrow('the build of shop produced no dist/apps/shop/apps/shop/src/main.js');
    write('dist/apps/shop/apps/shop/src/main.js', '');
    expect(() => stageImage({ workspaceRoot: workspace, name: 'shop', project: app, dest, runTool: noTools })).toThrow('produced no dist/apps/shop/apps/shop/src/main.js');
    expect(existsSync(join(dest, MAIN_MODULE_FILE))).toBe(false);
  });
});
