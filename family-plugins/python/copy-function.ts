import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PythonRuntime, pythonVersionOf } from './definition';
import { bundleFailed } from '../../builder/errors';
import { toPosix } from '../../project/paths';
import { BundleTarget } from '../../builder/build-plan';
import { BundledCode } from '../../builder/function-bundle';
import { IMPORT_READER, readPythonImports } from './python-imports';
import { handlerModule, importsReachedFrom } from './reachable-imports';

/**
 * Copies the Python function's files into the task root, as Lambda runs them (no
 * bundler: imports resolve through /opt/python and the runtime), then reads every
 * module's imports from its syntax tree and keeps those the handler's module reaches.
 */
/** The Python files of a function's package folder, relative to it, as the task root holds them (tests and caches left out). */
export function pythonFunctionFiles(sourceDir: string): string[] {
  const files: string[] = [];
  const visit = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== '__pycache__' && entry.name !== 'tests') visit(full);
      } else if (entry.name.endsWith('.py')) files.push(toPosix(path.relative(sourceDir, full)));
    }
  };
  visit(sourceDir);
  return files;
}

/** The project files a Python function is made of, and its import reader's identity (find_imports.py's hash): what a reused bundle must match. */
export function pythonFunctionInputs(projectRoot: string, target: BundleTarget, toolHome: string): { files: string[]; reader: string } {
  const entry = toPosix(target.entry);
  const reader = createHash('sha256')
    .update(fs.readFileSync(path.join(toolHome, IMPORT_READER)))
    .digest('hex');
  return { files: pythonFunctionFiles(path.join(projectRoot, target.entry)).map((file) => `${entry}/${file}`), reader };
}

export async function copyPython(projectRoot: string, staging: string, target: BundleTarget, env: NodeJS.ProcessEnv, toolHome: string): Promise<BundledCode> {
  const sourceDir = path.join(projectRoot, target.entry);
  const files = pythonFunctionFiles(sourceDir);
  for (const relative of files) {
    fs.mkdirSync(path.join(staging, path.dirname(relative)), { recursive: true });
    fs.copyFileSync(path.join(sourceDir, relative), path.join(staging, relative));
  }
  if (files.length === 0) throw bundleFailed(`No Python files in ${target.entry}.`);
  const module = handlerModule(target.handler);
  const handlerFile = [`${module.replace(/\./g, '/')}.py`, `${module.replace(/\./g, '/')}/__init__.py`];
  if (!files.some((file) => handlerFile.includes(file))) {
    throw bundleFailed(`The handler ${target.handler} needs ${target.entry}/${handlerFile[0]}, which does not exist.`);
  }
  const read = await readPythonImports(toolHome, staging, files, pythonVersionOf(target.runtime as PythonRuntime), toPosix(target.entry), env);
  // Several handlers may share a task root (the API, the worker, the job): each function is checked for what its own module reaches.
  const imports = importsReachedFrom(read.imports, read.ownModules, toPosix(target.entry), target.handler);
  return { ...read, imports, inputs: files.map((file) => `${toPosix(target.entry)}/${file}`) };
}
