import * as path from 'node:path';
import { pythonForImportsNotFound, pythonSyntax } from './errors';
import { findPython } from './interpreter';
import { FunctionImport, UncheckedImport } from '../../artifacts/manifest';
import { runCommand } from '../../project/run-command';

/** One import as find_imports.py reports it, before it is resolved against the task root. */
export interface RawPythonImport {
  readonly module: string | null;
  readonly level: number;
  readonly names: readonly string[];
  readonly line: number;
  readonly optional: string | null;
  readonly lazy: boolean;
  readonly dynamic: boolean;
}

export interface RawPythonFile {
  /** Relative to the task root, forward slashes. */
  readonly path: string;
  readonly imports?: readonly RawPythonImport[];
  readonly unchecked?: readonly { readonly line: number; readonly call: string }[];
  /** A file Python cannot parse. */
  readonly error?: string;
}

export interface PythonImports {
  readonly imports: FunctionImport[];
  readonly ownModules: string[];
  readonly unchecked: UncheckedImport[];
}

/** The dotted module a task-root file defines: `main.py` -> main, `app/__init__.py` -> app. */
export function moduleOfFile(file: string): string {
  const parts = file.replace(/\.py$/, '').split('/');
  if (parts[parts.length - 1] === '__init__') parts.pop();
  return parts.join('.');
}

/** Every module importable from the task root: files, and folders holding Python files (regular or namespace packages). */
export function ownModulesOf(files: readonly string[]): string[] {
  const modules = new Set<string>();
  for (const file of files) {
    const module = moduleOfFile(file);
    const parts = module.split('.');
    for (let i = 1; i <= parts.length; i += 1) modules.add(parts.slice(0, i).join('.'));
  }
  return [...modules].sort();
}

/**
 * Resolves what find_imports.py saw against the task root, as Python 3 does:
 * an absolute import names a top-level module (the function's own when the task
 * root has it); a relative one is resolved from the importing module's package,
 * and one from a top-level module, or beyond the top, cannot work at all.
 */
export function resolvePythonImports(files: readonly RawPythonFile[], projectPrefix: string): PythonImports {
  const ownModules = ownModulesOf(files.map((file) => file.path));
  const imports: FunctionImport[] = [];
  const unchecked: UncheckedImport[] = [];
  for (const file of files) {
    const projectFile = `${projectPrefix}/${file.path}`;
    if (file.error) {
      throw pythonSyntax(projectFile, file.error);
    }
    const module = moduleOfFile(file.path);
    const isPackage = file.path.endsWith('__init__.py');
    const packageParts = (isPackage ? module : module.split('.').slice(0, -1).join('.')).split('.').filter(Boolean);
    for (const raw of file.imports ?? []) {
      const guards = {
        ...(raw.optional ? { optional: raw.optional } : {}),
        ...(raw.lazy ? { lazy: true } : {}),
        ...(raw.dynamic ? { dynamic: true } : {}),
      };
      const base = { file: projectFile, line: raw.line, ...guards };
      if (raw.level === 0) {
        const specifier = raw.module ?? '';
        imports.push({ module: specifier.split('.')[0], specifier, ...base });
        continue;
      }
      const specifier = `${'.'.repeat(raw.level)}${raw.module ?? ''}`;
      if (packageParts.length === 0) {
        imports.push({
          module: specifier,
          specifier,
          own: true,
          problem: 'attempted relative import with no known parent package (the file is a top-level module)',
          ...base,
        });
        continue;
      }
      const anchor = packageParts.slice(0, Math.max(0, packageParts.length - (raw.level - 1)));
      if (anchor.length === 0) {
        imports.push({ module: specifier, specifier, own: true, problem: 'attempted relative import beyond top-level package', ...base });
        continue;
      }
      const target = [...anchor, ...(raw.module ? raw.module.split('.') : [])].join('.');
      imports.push({ module: target, specifier, own: true, ...base });
    }
    for (const call of file.unchecked ?? []) unchecked.push({ file: projectFile, line: call.line, call: call.call });
  }
  return { imports, ownModules, unchecked };
}

/** The interpreter that reads the syntax trees: the runtime's Python version when installed, else PYTHON or python3. */
export function importReader(pythonVersion: string, env: NodeJS.ProcessEnv): string {
  return findPython(pythonVersion, env)?.path ?? (env['PYTHON'] || 'python3');
}

/** The script that reads a Python function's imports from its syntax trees, under this tool's folder. */
export const IMPORT_READER = 'family-plugins/python/find_imports.py';

/** Runs find_imports.py (the project's, under `projectRoot`) over the function's files (relative to `taskRoot`) and resolves what it finds. */
export async function readPythonImports(
  projectRoot: string,
  taskRoot: string,
  files: readonly string[],
  pythonVersion: string,
  projectPrefix: string,
  env: NodeJS.ProcessEnv,
): Promise<PythonImports & { readBy: string }> {
  const python = importReader(pythonVersion, env);
  const result = await runCommand(python, ['-I', path.join(projectRoot, IMPORT_READER), taskRoot, ...files], {
    env: { PATH: env['PATH'] ?? '/usr/bin:/bin' },
  });
  if (result.missing || result.code !== 0) {
    throw pythonForImportsNotFound(projectPrefix, python, result.missing ? undefined : (result.output.trim().split('\n').pop() ?? ''), pythonVersion);
  }
  const report = JSON.parse(result.stdout) as { python: string; files: RawPythonFile[] };
  const parser = report.python.split('.').slice(0, 2).join('.');
  const note = parser === pythonVersion ? '' : ` (no Python ${pythonVersion} here; newer syntax may not parse)`;
  return { ...resolvePythonImports(report.files, projectPrefix), readBy: `ast of Python ${report.python}${note}` };
}
