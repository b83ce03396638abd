import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../project/errors';
import { LayerTarget } from './build-plan';
import { LayerBuildOptions, LayerBuildResult, LayerInstaller, buildLayer, withTicker } from './layer-build';
import { LayerSource, normalisePythonName } from './layer-sources';
import { InstalledPackage } from './manifest';
import { PipCommand, explainPipFailure, firstUnreachableIndex, locatePip, pipEnvironment, pipIndexes, pipInstallArgs } from './pip';
import { runCommand } from './run-command';
import { PYTHON_SLIMMING } from './slimming';
import { comparePaths } from './tree';

function metadataField(text: string, field: string): string | undefined {
  return new RegExp(`^${field}:\\s*(.+)$`, 'mi').exec(text)?.[1]?.trim();
}

/** Top-level import names of a distribution: top_level.txt, else the first folder or module of each file it installed. */
function modulesOf(distInfo: string): string[] {
  const topLevel = path.join(distInfo, 'top_level.txt');
  if (fs.existsSync(topLevel)) {
    return fs
      .readFileSync(topLevel, 'utf8')
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line && !line.includes('/'));
  }
  const record = path.join(distInfo, 'RECORD');
  if (!fs.existsSync(record)) return [];
  const modules = new Set<string>();
  for (const line of fs.readFileSync(record, 'utf8').split('\n')) {
    const file = line.split(',')[0]!.trim();
    if (!file || file.startsWith('..') || file.includes('.dist-info/') || file.includes('.data/')) continue;
    const first = file.split('/')[0]!;
    if (first === '__pycache__' || first === 'bin') continue;
    if (file.includes('/')) modules.add(first);
    else if (/\.(py|so|pyd)$/.test(first)) modules.add(first.replace(/(\.cpython-[^.]+|\.abi3)?\.(py|so|pyd)$/, ''));
  }
  return [...modules];
}

/** Every distribution installed in `python/`, from its `*.dist-info`. */
export function listPythonPackages(treeRoot: string, direct: readonly string[]): InstalledPackage[] {
  const site = path.join(treeRoot, 'python');
  if (!fs.existsSync(site)) return [];
  const packages: InstalledPackage[] = [];
  for (const entry of fs.readdirSync(site)) {
    if (!entry.endsWith('.dist-info')) continue;
    const distInfo = path.join(site, entry);
    const metadata = fs.existsSync(path.join(distInfo, 'METADATA')) ? fs.readFileSync(path.join(distInfo, 'METADATA'), 'utf8') : '';
    const name = metadataField(metadata, 'Name') ?? entry.replace(/-[^-]+\.dist-info$/, '');
    packages.push({
      name,
      version: metadataField(metadata, 'Version') ?? entry.replace(/^.*-([^-]+)\.dist-info$/, '$1'),
      path: `python/${entry}`,
      direct: direct.includes(normalisePythonName(name)),
      modules: modulesOf(distInfo).sort(),
    });
  }
  return packages.sort((a, b) => comparePaths(a.path, b.path));
}

/** pip for Lambda's platform and Python version into `python/`, wheels only, with safe slimming. */
export function pythonInstaller(target: LayerTarget, source: LayerSource, options: LayerBuildOptions, pip: PipCommand): LayerInstaller {
  const pipTarget = { architecture: target.architecture, pythonVersion: target.pythonVersion! };
  return {
    tool: { name: 'pip', version: pip.version },
    defaultSlimming: PYTHON_SLIMMING,
    async install(treeDir, reason) {
      const sitePackages = path.join(treeDir, 'python');
      fs.mkdirSync(sitePackages, { recursive: true });
      const args = pipInstallArgs(pipTarget, 'requirements.txt', sitePackages, path.join(options.buildDir, 'cache', 'pip'), source.requireHashes);
      const result = await withTicker(options.step, `pip for ${args[8]}, Python ${pipTarget.pythonVersion} (${reason})`, () =>
        // Run in the layer folder so relative paths in requirements.txt (-r, -c, local wheels) resolve as they do by hand.
        runCommand(pip.python, args, { env: pipEnvironment(options.env), cwd: source.dir }),
      );
      if (result.code !== 0) {
        // pip says only "no matching distribution" when its index does not answer with retries off; ask the index.
        const nothingFound = /No matching distribution found|Could not find a version/.test(result.output);
        const unreachable = nothingFound ? await firstUnreachableIndex(await pipIndexes(pip, pipEnvironment(options.env), source.dir)) : undefined;
        throw new UserError('LAYER_INSTALL_FAILED', explainPipFailure(target.layer, pipTarget, result.output, options.env, unreachable));
      }
    },
    packages: (treeDir) => listPythonPackages(treeDir, source.provides),
    provides: (packages) => [...new Set(packages.flatMap((pkg) => pkg.modules ?? []))].sort(),
  };
}

/** Builds (or reuses) one Python layer tree with Lambda's layout, `python/`. */
export async function buildPythonLayer(target: LayerTarget, source: LayerSource, options: LayerBuildOptions): Promise<LayerBuildResult> {
  const pip = await locatePip(options.env);
  return buildLayer(target, source, pythonInstaller(target, source, options, pip), options);
}
