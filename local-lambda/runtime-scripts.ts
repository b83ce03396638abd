import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { build } from 'esbuild';
import { NodeRuntime, nodeMajorOf } from '../config/environments';

/** Scripts that run inside a sandbox's Node: each is bundled into one ES module that needs nothing but Node. */
export const RUNTIME_SCRIPTS = {
  /** The runtime interface client (Lambda's Runtime API loop). */
  bootstrap: 'local-lambda/runtime/bootstrap.ts',
  /** The layer import check. */
  importCheck: 'local-lambda/runtime/import-check.ts',
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

/** A digest of the runtime clients' sources (local-lambda/runtime/): what a kept sandbox's compiled client was made from. */
export function runtimeClientDigest(toolHome: string): string {
  const dir = path.join(toolHome, 'local-lambda', 'runtime');
  const hash = createHash('sha256');
  for (const file of fs.readdirSync(dir).sort()) hash.update(file).update(fs.readFileSync(path.join(dir, file)));
  return hash.digest('hex');
}
