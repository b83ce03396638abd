import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EnvironmentConfig, NodeRuntime, PythonRuntime, Runtime, functionNameOf, nodeMajorOf, pythonVersionOf, runtimeFamilyOf } from '../config/environments';
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
  /** Node.js: NODE_PATH exactly as Lambda's Node.js runtimes set it, under the sandbox root; empty for Python. */
  readonly nodePath: string;
  /** Python: sys.path as Lambda's Python runtimes set it, before the standard library; empty for Node.js. */
  readonly pythonPath: readonly string[];
}

/**
 * What stands in for the packages Lambda's runtime ships: for Node.js a node_modules
 * folder copied to /var/runtime/node_modules, for Python the files and folders of
 * boto3 and its dependencies linked into /var/lang/lib/pythonX.Y/site-packages.
 */
export interface RuntimePackages {
  readonly nodeModules?: string;
  readonly pythonEntries?: readonly string[];
}

/** The sandbox layout for a function: pure, so the layout is testable without a disk. */
export function planSandbox(
  root: string,
  env: { readonly runtime: Runtime },
  bundleDir: string,
  layerTrees: readonly string[],
  runtimePackages: RuntimePackages = {},
): SandboxPlan {
  const taskRoot = path.join(root, LAMBDA_PATHS.task);
  const runtimeDir = path.join(root, LAMBDA_PATHS.runtime);
  const optDir = path.join(root, LAMBDA_PATHS.opt);
  const copies = [{ from: bundleDir, to: taskRoot }, ...layerTrees.map((tree) => ({ from: tree, to: optDir }))];
  if (runtimeFamilyOf(env.runtime) === 'python') {
    const python = `python${pythonVersionOf(env.runtime as PythonRuntime)}`;
    const runtimeSite = path.join(root, LAMBDA_PATHS.lang, 'lib', python, 'site-packages');
    return {
      root,
      taskRoot,
      runtimeDir,
      optDir,
      copies,
      links: (runtimePackages.pythonEntries ?? []).map((entry) => ({ from: entry, to: path.join(runtimeSite, path.basename(entry)) })),
      nodePath: '',
      // Lambda's order: the function, the layers (both layouts), then what the runtime ships.
      pythonPath: [taskRoot, path.join(optDir, 'python', 'lib', python, 'site-packages'), path.join(optDir, 'python'), runtimeSite, runtimeDir],
    };
  }
  const major = nodeMajorOf(env.runtime as NodeRuntime);
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
    copies: [...copies, ...(runtimePackages.nodeModules ? [{ from: runtimePackages.nodeModules, to: path.join(runtimeDir, 'node_modules') }] : [])],
    links: [],
    nodePath,
    pythonPath: [],
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
  env: Pick<EnvironmentConfig, 'name' | 'project'> & { readonly runtime: Runtime },
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
