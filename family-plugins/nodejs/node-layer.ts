import { nodejsFamily } from './definition';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { layerIncomplete, layerInstallFailed } from '../../builder/errors';
import { layerLinkedFolder } from './errors';
import { toPosix } from '../../project/paths';
import { LayerTarget } from '../../builder/build-plan';
import { LayerBuildOptions, LayerBuildResult, LayerInstaller, buildLayer, withTicker } from '../../builder/layer-build';
import { LayerSource } from '../../builder/layer-sources';
import { InstalledPackage, PackageHash } from '../../artifacts/manifest';
import { explainNpmFailure, installEnvironment, locateNpm } from './npm';
import { runCommand } from '../../project/run-command';
import { comparePaths } from '../../builder/tree';

/** Lambda's names for the CPUs, as npm's --cpu spells them. */
const NPM_CPU = { x86_64: 'x64', arm64: 'arm64' } as const;

/** npm's integrity (`sha512-<base64>`) as a hash; undefined for any other algorithm. */
export function integrityHash(integrity: unknown): PackageHash | undefined {
  const match = typeof integrity === 'string' ? /(?:^|\s)sha512-([A-Za-z0-9+/=]+)/.exec(integrity) : null;
  return match ? { alg: 'SHA-512', content: Buffer.from(match[1], 'base64').toString('hex') } : undefined;
}

/** Where Node resolves `name` from a package folder: its own node_modules, then each one above it. */
function resolveFrom(packagePath: string, name: string, paths: ReadonlySet<string>): string | undefined {
  let base = packagePath;
  for (;;) {
    const candidate = `${base}/node_modules/${name}`;
    if (paths.has(candidate)) return candidate;
    const up = base.lastIndexOf('/node_modules/');
    if (up < 0) return paths.has(`nodejs/node_modules/${name}`) ? `nodejs/node_modules/${name}` : undefined;
    base = base.slice(0, up);
  }
}

/**
 * Every package folder in a node_modules tree (nested ones too), by path, with its license, the integrity
 * package-lock.json records for it, and the packages of the tree its dependencies resolve to.
 */
export function listNodePackages(treeRoot: string, direct: readonly string[], lockfile: Readonly<Record<string, unknown>> = {}): InstalledPackage[] {
  const found: (InstalledPackage & { needs: string[] })[] = [];
  const locked = (lockfile['packages'] ?? {}) as Record<string, { integrity?: unknown }>;
  const visitModules = (modulesDir: string, depth: number): void => {
    if (!fs.existsSync(modulesDir)) return;
    for (const entry of fs.readdirSync(modulesDir, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
      const full = path.join(modulesDir, entry.name);
      const packageDirs = entry.name.startsWith('@')
        ? fs
            .readdirSync(full, { withFileTypes: true })
            .filter((child) => child.isDirectory())
            .map((child) => path.join(full, child.name))
        : [full];
      for (const packageDir of packageDirs) {
        const manifestFile = path.join(packageDir, 'package.json');
        if (!fs.existsSync(manifestFile)) continue;
        const pkg = JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as {
          name?: string;
          version?: string;
          license?: unknown;
          dependencies?: Record<string, string>;
          optionalDependencies?: Record<string, string>;
        };
        const relative = toPosix(path.relative(treeRoot, packageDir));
        const name = pkg.name ?? path.basename(packageDir);
        const hash = integrityHash(locked[relative.slice('nodejs/'.length)]?.integrity);
        found.push({
          name,
          version: pkg.version ?? '0.0.0',
          path: relative,
          direct: depth === 0 && direct.includes(name),
          ...(hash ? { hashes: [hash] } : {}),
          ...(typeof pkg.license === 'string' ? { license: pkg.license } : {}),
          needs: Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies }),
        });
        visitModules(path.join(packageDir, 'node_modules'), depth + 1);
      }
    }
  };
  visitModules(path.join(treeRoot, 'nodejs', 'node_modules'), 0);
  const paths = new Set(found.map((pkg) => pkg.path));
  return found
    .map(({ needs, ...pkg }) => {
      const dependsOn = [...new Set(needs.map((name) => resolveFrom(pkg.path, name, paths)).filter((dep): dep is string => dep !== undefined))].sort(
        comparePaths,
      );
      return { ...pkg, ...(dependsOn.length ? { dependsOn } : {}) };
    })
    .sort((a, b) => comparePaths(a.path, b.path));
}

/** `file:` specs relative to the layer folder, made absolute so npm can run in the staging folder. */
export function absoluteFileSpecs(text: string, layerDir: string, layer: string): string {
  return text.replace(/"file:([^"]+)"/g, (_match, target: string) => {
    const absolute = path.resolve(layerDir, target);
    if (fs.existsSync(absolute) && fs.statSync(absolute).isDirectory()) {
      throw layerLinkedFolder(layer, target);
    }
    return JSON.stringify(`file:${absolute}`);
  });
}

/** npm ci for Lambda's platform into `nodejs/node_modules`: production dependencies, no install scripts. */
export function nodeInstaller(target: LayerTarget, source: LayerSource, options: LayerBuildOptions): LayerInstaller {
  const npm = locateNpm(options.env);
  return {
    family: nodejsFamily,
    tool: { name: 'npm', version: npm.version },
    inputFiles: source.files,
    defaultSlimming: [],
    async install(treeDir, reason) {
      const installDir = path.join(treeDir, 'nodejs');
      fs.mkdirSync(installDir, { recursive: true });
      const npmFiles = [...source.files.keys()].filter((name) => ['package.json', 'package-lock.json', '.npmrc'].includes(name));
      for (const name of npmFiles) {
        const bytes = source.files.get(name)!;
        fs.writeFileSync(path.join(installDir, name), name === '.npmrc' ? bytes : absoluteFileSpecs(bytes.toString('utf8'), source.dir, target.layer));
      }
      const args = [
        ...npm.args,
        'ci',
        '--omit=dev',
        '--ignore-scripts',
        '--no-bin-links',
        '--no-audit',
        '--no-fund',
        '--no-progress',
        '--install-strategy=hoisted',
        '--os=linux',
        `--cpu=${NPM_CPU[target.architecture]}`,
        '--libc=glibc',
        // npm's own download cache (~/.npm, or the user's npm_config_cache), checked by integrity like the wheel cache:
        // a build after deleting .build downloads nothing it already has.
        '--prefer-offline',
        '--loglevel=warn',
      ];
      const result = await withTicker(options.step, `npm ci for linux/${target.architecture} (${reason})`, () =>
        runCommand(npm.command, args, { cwd: installDir, env: installEnvironment(options.env) }),
      );
      if (result.code !== 0) throw layerInstallFailed(explainNpmFailure(target.layer, result.output));
      // The layer holds node_modules only; npm's own bookkeeping differs between npm configurations.
      for (const name of npmFiles) fs.rmSync(path.join(installDir, name), { force: true });
      fs.rmSync(path.join(installDir, 'node_modules', '.package-lock.json'), { force: true });
      const missing = source.provides.filter((name) => !fs.existsSync(path.join(installDir, 'node_modules', name, 'package.json')));
      if (missing.length > 0) {
        throw layerIncomplete(target.layer, missing, target.architecture);
      }
    },
    packages: (treeDir) =>
      listNodePackages(treeDir, source.provides, JSON.parse(source.files.get('package-lock.json')!.toString('utf8')) as Record<string, unknown>),
    provides: () => source.provides,
  };
}

/** Builds (or reuses) one Node.js layer tree with Lambda's layout, `nodejs/node_modules`. */
export function buildNodeLayer(target: LayerTarget, source: LayerSource, options: LayerBuildOptions): Promise<LayerBuildResult> {
  return buildLayer(target, source, nodeInstaller(target, source, options), options);
}
