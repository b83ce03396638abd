import { FunctionImport } from '../../artifacts/manifest';
import { moduleOfFile } from './python-imports';

/** The module a Lambda handler setting names: "worker.handler" -> "worker", "app.jobs.run" -> "app.jobs". */
export function handlerModule(handler: string): string {
  return handler.slice(0, handler.lastIndexOf('.'));
}

/**
 * The imports a function's handler reaches, when several handlers share one task root: those of its module, then of
 * every own module it imports, and so on, with a package's `__init__` for each package on the way. An import of a
 * package (`from app import x`, `from . import x`) may load any of its submodules, so all of them count: the set is
 * never smaller than what can run, and a module no path reaches (another handler's) is left out. Pure.
 */
export function importsReachedFrom(
  imports: readonly FunctionImport[],
  ownModules: readonly string[],
  /** The project-relative folder the task root was copied from: `handlers/python_api`. */
  projectPrefix: string,
  handler: string,
): FunctionImport[] {
  const own = new Set(ownModules);
  const byModule = new Map<string, FunctionImport[]>();
  for (const imported of imports) {
    const module = moduleOfFile(imported.file.slice(projectPrefix.length + 1));
    byModule.set(module, [...(byModule.get(module) ?? []), imported]);
  }
  const reached: FunctionImport[] = [];
  const visited = new Set<string>();
  const queue: string[] = [];
  const visit = (module: string): void => {
    const parts = module.split('.');
    // Importing a.b runs a/__init__ first; a package may load any of its submodules.
    for (let i = 1; i <= parts.length; i++) queue.push(parts.slice(0, i).join('.'));
    for (const candidate of own) if (candidate.startsWith(`${module}.`)) queue.push(candidate);
  };
  visit(handlerModule(handler));
  while (queue.length) {
    const module = queue.shift()!;
    if (visited.has(module) || !own.has(module)) continue;
    visited.add(module);
    for (const imported of byModule.get(module) ?? []) {
      reached.push(imported);
      if (imported.problem) continue;
      // A relative import names its own module; an absolute one names it when the task root has it.
      const target = imported.own ? imported.module : imported.specifier;
      const top = target.split('.')[0];
      if (imported.own || own.has(top)) visit(target);
    }
  }
  return reached;
}
