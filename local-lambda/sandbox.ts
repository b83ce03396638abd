import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EnvironmentConfig, functionNameOf } from '../config/environments';
import { FamilyDefinition, LambdaDirs } from '../families/family';
import { sandboxNotIsolated } from './errors';

/** Where Lambda puts things, relative to the sandbox root. */
export const LAMBDA_PATHS = { task: 'var/task', runtime: 'var/runtime', opt: 'opt', lang: 'var/lang' } as const;

export interface SandboxPlan {
  readonly root: string;
  readonly taskRoot: string;
  readonly runtimeDir: string;
  readonly optDir: string;
  /** Copies in order: the bundle to /var/task, then each layer over /opt, later layers winning. */
  readonly copies: readonly { readonly from: string; readonly to: string }[];
  /** Symbolic links, e.g. the AWS SDK for Python the runtime ships, from where this machine has it. */
  readonly links: readonly { readonly from: string; readonly to: string }[];
  /** Where the runtime looks for modules, as Lambda sets it, under the sandbox root: NODE_PATH, or sys.path before the standard library. */
  readonly searchPath: readonly string[];
}

/**
 * What stands in for the packages Lambda's runtime ships, placed where the family's runtime keeps them: a folder
 * copied there (Node.js: node_modules with the AWS SDK), or entries linked into it (Python: boto3 and what it needs).
 */
export interface RuntimePackages {
  readonly copy?: string;
  readonly link?: readonly string[];
}

/** The function to lay out: its runtime and the family that says where that runtime looks for modules. */
export interface SandboxFunction {
  readonly runtime: string;
  readonly family: Pick<FamilyDefinition, 'moduleSearchPath' | 'runtimePackagesDir'>;
}

/** The sandbox layout for a function: pure, so the layout is testable without a disk. */
export function planSandbox(
  root: string,
  fn: SandboxFunction,
  bundleDir: string,
  layerTrees: readonly string[],
  runtimePackages: RuntimePackages = {},
): SandboxPlan {
  const dirs: LambdaDirs = {
    task: path.join(root, LAMBDA_PATHS.task),
    runtime: path.join(root, LAMBDA_PATHS.runtime),
    opt: path.join(root, LAMBDA_PATHS.opt),
    lang: path.join(root, LAMBDA_PATHS.lang),
  };
  const shipped = fn.family.runtimePackagesDir(fn.runtime, dirs);
  return {
    root,
    taskRoot: dirs.task,
    runtimeDir: dirs.runtime,
    optDir: dirs.opt,
    copies: [
      { from: bundleDir, to: dirs.task },
      ...layerTrees.map((tree) => ({ from: tree, to: dirs.opt })),
      ...(runtimePackages.copy ? [{ from: runtimePackages.copy, to: shipped }] : []),
    ],
    links: (runtimePackages.link ?? []).map((entry) => ({ from: entry, to: path.join(shipped, path.basename(entry)) })),
    searchPath: fn.family.moduleSearchPath(fn.runtime, dirs),
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
  env: Pick<EnvironmentConfig, 'name' | 'project'> & SandboxFunction,
  bundleDir: string,
  layerTrees: readonly string[],
  options: { readonly tempDir?: string; readonly runtimePackages?: RuntimePackages } = {},
): SandboxPlan {
  const tempDir = options.tempDir ?? os.tmpdir();
  const parent = fs.realpathSync(tempDir);
  const leak = nodeModulesAncestor(parent);
  if (leak) {
    throw sandboxNotIsolated(parent, leak);
  }
  const root = fs.mkdtempSync(path.join(parent, `lambda-${functionNameOf(env)}-`));
  const plan = planSandbox(root, env, bundleDir, layerTrees, options.runtimePackages);
  for (const dir of [plan.taskRoot, plan.runtimeDir, plan.optDir]) fs.mkdirSync(dir, { recursive: true });
  for (const copy of plan.copies) fs.cpSync(copy.from, copy.to, { recursive: true, force: true });
  for (const link of plan.links) {
    fs.mkdirSync(path.dirname(link.to), { recursive: true });
    fs.symlinkSync(link.from, link.to);
  }
  return plan;
}
