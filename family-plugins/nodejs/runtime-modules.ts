import { builtinModules } from 'node:module';

/** What Lambda's Node.js runtimes themselves provide to a function's imports: Node's built-ins and the AWS SDK v3. */

/** npm name patterns the Node.js runtimes (18 and later) ship in /var/runtime/node_modules: the AWS SDK for JavaScript v3. */
export const NODE_RUNTIME_PACKAGES: readonly string[] = ['@aws-sdk/*', '@smithy/*'];

/** Node's built-in modules, by the names `import` accepts ("fs", "node:fs", "node:test"). */
export function isNodeBuiltin(specifier: string): boolean {
  if (specifier.startsWith('node:')) return true;
  return builtinModules.includes(specifier.split('/')[0]) || builtinModules.includes(specifier);
}
