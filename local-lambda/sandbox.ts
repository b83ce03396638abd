import { createHash, randomBytes } from 'node:crypto';
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

/** A sandbox kept between runs for what it holds, with what to do when it is made. */
export interface KeptSandboxOptions {
  /**
   * What the sandbox is, besides the folders it copies: the content hashes of the bundle and layers, the runtime client's
   * source, the stand-ins' versions. A sandbox of the same identity is used again; another is made for another.
   */
  readonly identity: string;
  /** Anything else that goes into a new sandbox after its copies (the runtime client, compiled into /var/runtime). */
  readonly prepare?: (plan: SandboxPlan) => void | Promise<void>;
  readonly tempDir?: string;
  readonly runtimePackages?: RuntimePackages;
  /** How long a kept sandbox nobody used stays, in milliseconds. @default one day */
  readonly keepMs?: number;
}

/** A digest of a folder's files (names and bytes, not times): what a kept sandbox's runtime client was made from. */
export function folderDigest(dir: string): string {
  const hash = createHash('sha256');
  const visit = (current: string): void => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(current, entry.name);
      hash.update(path.relative(dir, full));
      if (entry.isDirectory()) visit(full);
      else hash.update(fs.readFileSync(full));
    }
  };
  visit(dir);
  return hash.digest('hex');
}

/** Where kept sandboxes live, under the temp folder. */
export const KEPT_SANDBOXES = 'lambda-layer-stacks-sandboxes';

/** Every entry under a folder, with what a change to it would show: its type, size, time and mode, or a link's target; sorted. */
export function sandboxListing(root: string): string {
  const lines: string[] = [];
  const visit = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const full = path.join(dir, entry.name);
      const stat = fs.lstatSync(full);
      const relative = path.relative(root, full);
      if (entry.isSymbolicLink()) lines.push(`l ${relative} -> ${fs.readlinkSync(full)}`);
      else if (entry.isDirectory()) {
        lines.push(`d ${relative} ${stat.mode & 0o7777}`);
        visit(full);
      } else lines.push(`f ${relative} ${stat.size} ${stat.mtimeMs} ${stat.mode & 0o7777}`);
    }
  };
  visit(root);
  return createHash('sha256').update(lines.join('\n')).digest('hex');
}

/**
 * A sandbox kept between runs: made once for what it holds, then used again by the next local run of the same function,
 * build and runtime client, after a look at every entry (a stat each) shows nothing in it changed since it was made; one
 * that changed (a function wrote into its /var/task or /opt, which Lambda mounts read-only) is made again. Making one
 * copies every file of the bundle and the layers, most of what a no-change `npm start` would otherwise wait for.
 * Concurrent runs share it, read only; kept sandboxes nobody used for a day are removed when another is made.
 */
export async function keptSandbox(
  env: Pick<EnvironmentConfig, 'name' | 'project'> & SandboxFunction,
  bundleDir: string,
  layerTrees: readonly string[],
  options: KeptSandboxOptions,
): Promise<SandboxPlan> {
  const parent = fs.realpathSync(options.tempDir ?? os.tmpdir());
  const leak = nodeModulesAncestor(parent);
  if (leak) throw sandboxNotIsolated(parent, leak);
  const cache = path.join(parent, KEPT_SANDBOXES);
  fs.mkdirSync(cache, { recursive: true });
  const key = createHash('sha256')
    .update(JSON.stringify({ identity: options.identity, runtime: env.runtime, bundleDir, layerTrees, runtimePackages: options.runtimePackages ?? {} }))
    .digest('hex')
    .slice(0, 16);
  const name = `lambda-${functionNameOf(env)}-${key}`;
  const kept = path.join(cache, name);
  const stampOf = (dir: string): string => path.join(dir, 'stamp.json');
  const planIn = (dir: string): SandboxPlan => planSandbox(path.join(dir, 'root'), env, bundleDir, layerTrees, options.runtimePackages);

  const reusable = (): boolean => {
    try {
      const stamp = JSON.parse(fs.readFileSync(stampOf(kept), 'utf8')) as { listing: string };
      return stamp.listing === sandboxListing(path.join(kept, 'root'));
    } catch {
      return false;
    }
  };
  if (fs.existsSync(kept)) {
    if (reusable()) {
      const now = new Date();
      fs.utimesSync(stampOf(kept), now, now);
      return planIn(kept);
    }
    // Changed since it was made: set aside (a run still using it keeps its files) and made again.
    fs.renameSync(kept, path.join(cache, `.${name}-changed-${randomBytes(4).toString('hex')}`));
  }
  const making = path.join(cache, `.${name}-${randomBytes(4).toString('hex')}`);
  const plan = planIn(making);
  for (const dir of [plan.taskRoot, plan.runtimeDir, plan.optDir]) fs.mkdirSync(dir, { recursive: true });
  for (const copy of plan.copies) fs.cpSync(copy.from, copy.to, { recursive: true, force: true });
  for (const link of plan.links) {
    fs.mkdirSync(path.dirname(link.to), { recursive: true });
    fs.symlinkSync(link.from, link.to);
  }
  await options.prepare?.(plan);
  fs.writeFileSync(stampOf(making), `${JSON.stringify({ listing: sandboxListing(plan.root) })}\n`);
  try {
    fs.renameSync(making, kept);
  } catch {
    // Another run made the same sandbox meanwhile: use that one.
    fs.rmSync(making, { recursive: true, force: true });
  }
  removeStaleSandboxes(cache, name, options.keepMs ?? 24 * 3600 * 1000);
  return planIn(kept);
}

/** How long a sandbox set aside (changed, or half made by a run that stopped) stays, in case a run still uses it. */
const SET_ASIDE_MS = 3600 * 1000;

/** Kept sandboxes nobody used for `keepMs`, and ones set aside an hour ago, other than `current`. */
function removeStaleSandboxes(cache: string, current: string, keepMs: number): void {
  for (const entry of fs.readdirSync(cache)) {
    if (entry === current) continue;
    const dir = path.join(cache, entry);
    try {
      const age = Date.now() - fs.statSync(entry.startsWith('.') ? dir : path.join(dir, 'stamp.json')).mtimeMs;
      if (age > (entry.startsWith('.') ? SET_ASIDE_MS : keepMs)) fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // Gone meanwhile, or not a kept sandbox: nothing to do.
    }
  }
}
