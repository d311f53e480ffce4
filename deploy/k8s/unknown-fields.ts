/**
 * Fields the schemas do not know. The model packages' JSON schemas accept properties they do not
 * declare, so a misspelt field (`readinesProbe`, a CloudNativePG setting one level too deep) would pass
 * model-validation.ts and be dropped by the API server, or by the operator, without a word. Their
 * TypeScript declarations do list every field: each object is type-checked as an object literal of its
 * kind's interface, and TypeScript's excess-property check names what the kind does not have (as
 * kubeconform's --strict does, which is not installable here).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import type { K8sObject } from './kustomize-build';
import { refOf, REPO_ROOT } from './kustomize-build';
import { modelModuleFile } from './model-validation';

export interface FieldProblem {
  readonly object: string;
  readonly problem: string;
}

/** The module whose declaration file declares `I<Kind>`, as an import specifier, or undefined. */
function typesModuleOf(object: K8sObject): string | undefined {
  const folder = modelModuleFile(object.apiVersion)?.replace(/[/\\]index\.js$/, '');
  if (!folder || !existsSync(join(folder, `${object.kind}.d.ts`))) return undefined;
  return join(folder, object.kind).split('\\').join('/');
}

/** Each object's fields that its kind's interface does not declare (and any value of the wrong type). */
export function unknownFieldProblems(objects: readonly K8sObject[]): FieldProblem[] {
  const problems: FieldProblem[] = [];
  const lines: string[] = [];
  const objectOfLine = new Map<number, K8sObject>();
  objects.forEach((object, index) => {
    const module = typesModuleOf(object);
    if (!module) {
      problems.push({ object: refOf(object), problem: `no type declarations for ${object.apiVersion} ${object.kind}` });
      return;
    }
    lines.push(`import type { I${object.kind} as T${index} } from ${JSON.stringify(module)};`);
    objectOfLine.set(lines.length, object);
    lines.push(`export const object${index}: T${index} = ${JSON.stringify(object)};`);
  });

  // A file of its own inside the repository, so the packages resolve from its node_modules.
  const fileName = join(REPO_ROOT, 'deploy', 'k8s', '__built-objects__.ts');
  const source = ts.createSourceFile(fileName, lines.join('\n'), ts.ScriptTarget.ES2022, true);
  const options: ts.CompilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    types: [],
    // No DOM: the declarations need only the language's own types, and DOM's would double the time.
    lib: ['lib.es2022.d.ts'],
  };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, languageVersion, ...rest) => (name === fileName ? source : getSourceFile(name, languageVersion, ...rest));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === fileName || fileExists(name);
  const program = ts.createProgram([fileName], options, host);

  for (const diagnostic of ts.getPreEmitDiagnostics(program)) {
    const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ');
    if (diagnostic.file?.fileName !== fileName || diagnostic.start === undefined) {
      problems.push({ object: '(type declarations)', problem: message });
      continue;
    }
    const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
    const object = objectOfLine.get(line);
    problems.push({ object: object ? refOf(object) : `(line ${line + 1})`, problem: message });
  }
  return problems;
}
