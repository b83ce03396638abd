import { build } from 'esbuild';
import { NodeRuntime, nodeMajorOf } from './definition';

/** Where the Node.js runtime client's sources are, in this tool's folder. */
export const NODE_RUNTIME_CLIENT = 'family-plugins/nodejs/runtime';

/** Scripts that run inside a sandbox's Node: each is bundled into one ES module that needs nothing but Node. */
export const RUNTIME_SCRIPTS = {
  /** The runtime interface client (Lambda's Runtime API loop). */
  bootstrap: 'family-plugins/nodejs/runtime/bootstrap.ts',
  /** The layer import check. */
  importCheck: 'family-plugins/nodejs/runtime/import-check.ts',
} as const;

/** Bundles a sandbox script (a path relative to the project) into `outfile`, for the runtime's Node major when given. */
export async function compileRuntimeScript(projectRoot: string, entry: string, outfile: string, runtime?: NodeRuntime): Promise<string> {
  await build({
    absWorkingDir: projectRoot,
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    ...(runtime ? { target: `node${nodeMajorOf(runtime)}` } : {}),
    logLevel: 'silent',
  });
  return outfile;
}
