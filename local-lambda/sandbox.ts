import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EnvironmentConfig, NodeRuntime, functionNameOf, nodeMajorOf } from '../config/environments';
import { UserError } from '../project/errors';

/** Where Lambda puts things, relative to the sandbox root. */
export const LAMBDA_PATHS = { task: 'var/task', runtime: 'var/runtime', opt: 'opt' } as const;

export interface SandboxPlan {
  readonly root: string;
  readonly taskRoot: string;
  readonly runtimeDir: string;
  readonly optDir: string;
  /** Copies in order: the bundle to /var/task, then each layer over /opt, later layers winning. */
  readonly copies: readonly { readonly from: string; readonly to: string }[];
  /** NODE_PATH exactly as Lambda's Node.js runtimes set it, under the sandbox root. */
  readonly nodePath: string;
}

/**
 * The sandbox layout for a function: pure, so the layout is testable without a disk.
 * `runtimeModules` stands in for what Lambda's runtime ships in /var/runtime/node_modules.
 */
export function planSandbox(
  root: string,
  env: { readonly runtime: NodeRuntime },
  bundleDir: string,
  layerTrees: readonly string[],
  runtimeModules?: string,
): SandboxPlan {
  const taskRoot = path.join(root, LAMBDA_PATHS.task);
  const runtimeDir = path.join(root, LAMBDA_PATHS.runtime);
  const optDir = path.join(root, LAMBDA_PATHS.opt);
  const major = nodeMajorOf(env.runtime);
  const nodePath = [
    path.join(optDir, 'nodejs', `node${major}`, 'node_modules'),
    path.join(optDir, 'nodejs', 'node_modules'),
    path.join(runtimeDir, 'node_modules'),
    runtimeDir,
    taskRoot,
  ].join(path.delimiter);
  return {
    root,
    taskRoot,
    runtimeDir,
    optDir,
    copies: [
      { from: bundleDir, to: taskRoot },
      ...layerTrees.map((tree) => ({ from: tree, to: optDir })),
      ...(runtimeModules ? [{ from: runtimeModules, to: path.join(runtimeDir, 'node_modules') }] : []),
    ],
    nodePath,
  };
}

/** The first ancestor of `dir` (itself included) that holds a node_modules folder. */
export function nodeModulesAncestor(dir: string): string | undefined {
  let current = path.resolve(dir);
  for (;;) {
    if (fs.existsSync(path.join(current, 'node_modules'))) return current;
    const parent = path.dirname(current);
    if (parent === current) return undefined;
    current = parent;
  }
}

/**
 * Makes a fresh sandbox under the temp folder. Node resolves packages by walking
 * up parent folders, so no ancestor may hold node_modules: otherwise a package
 * missing from a layer could be found there, and the local run would pass where
 * Lambda fails.
 */
export function createSandbox(
  env: Pick<EnvironmentConfig, 'name' | 'project'> & { readonly runtime: NodeRuntime },
  bundleDir: string,
  layerTrees: readonly string[],
  tempDir: string = os.tmpdir(),
  runtimeModules?: string,
): SandboxPlan {
  const parent = fs.realpathSync(tempDir);
  const leak = nodeModulesAncestor(parent);
  if (leak) {
    throw new UserError(
      'SANDBOX_NOT_ISOLATED',
      `The temp folder ${parent} has a node_modules folder in ${leak}, so the local function could load packages ` +
        'that its layers lack. Point TMPDIR at a folder with no node_modules above it (for example /tmp).',
    );
  }
  const root = fs.mkdtempSync(path.join(parent, `lambda-${functionNameOf(env)}-`));
  const plan = planSandbox(root, env, bundleDir, layerTrees, runtimeModules);
  for (const dir of [plan.taskRoot, plan.runtimeDir, plan.optDir]) fs.mkdirSync(dir, { recursive: true });
  for (const copy of plan.copies) fs.cpSync(copy.from, copy.to, { recursive: true, force: true });
  return plan;
}
