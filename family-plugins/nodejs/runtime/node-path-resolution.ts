/**
 * Lambda's Node.js 18+ runtimes search NODE_PATH for ES module imports too; plain
 * Node does not. Shared by the runtime client and the layer import check.
 */
import * as module from 'node:module';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

type ResolveHook = (
  specifier: string,
  context: { parentURL?: string; conditions?: readonly string[] },
  nextResolve: (specifier: string, context?: object) => { url: string },
) => { url: string };

function isBareSpecifier(specifier: string): boolean {
  return !/^(\.{1,2}\/|\/|[a-zA-Z][a-zA-Z0-9+.-]*:)/.test(specifier) && !specifier.startsWith('#');
}

export function installNodePathResolution(nodePath: readonly string[] = (process.env['NODE_PATH'] ?? '').split(path.delimiter).filter(Boolean)): void {
  const registerHooks = (module as unknown as { registerHooks?: (hooks: { resolve: ResolveHook }) => void }).registerHooks;
  if (!registerHooks) {
    throw new Error(`node ${process.version} has no module.registerHooks; the local run needs Node.js 22.15 or later`);
  }
  registerHooks({
    resolve(specifier, context, nextResolve) {
      try {
        return nextResolve(specifier, context);
      } catch (error) {
        if ((error as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND' || !isBareSpecifier(specifier)) throw error;
        for (const dir of nodePath) {
          // Resolving from a file inside `dir` finds `dir/<package>` when dir is a node_modules folder.
          const parentURL = pathToFileURL(path.join(dir, '__lambda_node_path__.mjs')).href;
          try {
            return nextResolve(specifier, { ...context, parentURL });
          } catch {
            // try the next NODE_PATH entry
          }
        }
        throw error;
      }
    },
  });
}
