import * as fs from 'node:fs';
import * as path from 'node:path';
import { InstalledPackage } from '../../../artifacts/manifest';
import { BundledCode } from '../../../builder/function-bundle';
import { BundleTarget, LayerTarget } from '../../../builder/build-plan';
import { LayerBuildOptions, LayerBuildResult, buildLayer } from '../../../builder/layer-build';
import { LayerSource } from '../../../builder/layer-sources';
import { toPosix } from '../../../project/paths';
import { PACKAGES_DIR, shellFamily } from './definition';
import { shellfileInvalid } from './errors';

/** A shell layer folder: its Shellfile's libraries and the vendored files. */
export interface ShellLayerSource extends LayerSource {
  readonly libraries: readonly { readonly name: string; readonly version: string }[];
}

function filesUnder(dir: string, prefix = ''): string[] {
  return fs
    .readdirSync(path.join(dir, prefix), { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((entry) => (entry.isDirectory() ? filesUnder(dir, path.join(prefix, entry.name)) : [toPosix(path.join(prefix, entry.name))]));
}

export function readShellSource(dir: string, folder: string, name: string): Omit<ShellLayerSource, 'options'> {
  const shellfile = fs.readFileSync(path.join(dir, 'Shellfile'));
  const libraries = shellfile
    .toString('utf8')
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter(Boolean)
    .map((line) => {
      const match = /^([a-z][a-z0-9_-]*)\s+(\d+(?:\.\d+)*)$/.exec(line);
      if (!match) throw shellfileInvalid(folder, `"${line}" is not "<name> <version>".`);
      const [, library, version] = match;
      if (!fs.existsSync(path.join(dir, 'vendor', `${library}-${version}`, `${library}.sh`))) {
        throw shellfileInvalid(folder, `${library} ${version} is not vendored (no vendor/${library}-${version}/${library}.sh).`);
      }
      return { name: library, version };
    });
  const files = new Map<string, Buffer>([['Shellfile', shellfile]]);
  for (const library of libraries) {
    const file = `vendor/${library.name}-${library.version}/${library.name}.sh`;
    files.set(file, fs.readFileSync(path.join(dir, file)));
  }
  return { name, family: 'shell', dir, files, provides: libraries.map((library) => library.name), libraries };
}

/** Copies each vendored library onto the layer's PATH (/opt/bin) and records it under share/shell-packages/. */
export function buildShellLayer(target: LayerTarget, source: ShellLayerSource, options: LayerBuildOptions): Promise<LayerBuildResult> {
  return buildLayer(
    target,
    source,
    {
      family: shellFamily,
      tool: { name: 'copy', version: '1' },
      inputFiles: source.files,
      defaultSlimming: [],
      install: (treeDir) => {
        for (const library of source.libraries) {
          fs.mkdirSync(path.join(treeDir, 'bin'), { recursive: true });
          fs.writeFileSync(path.join(treeDir, 'bin', `${library.name}.sh`), source.files.get(`vendor/${library.name}-${library.version}/${library.name}.sh`)!);
          fs.mkdirSync(path.join(treeDir, PACKAGES_DIR, library.name), { recursive: true });
          fs.writeFileSync(path.join(treeDir, PACKAGES_DIR, library.name, 'PACKAGE'), `${library.name} ${library.version}\n`);
        }
        return Promise.resolve();
      },
      packages: (treeDir): InstalledPackage[] => {
        const recorded = path.join(treeDir, PACKAGES_DIR);
        if (!fs.existsSync(recorded)) return [];
        return fs
          .readdirSync(recorded)
          .sort()
          .map((folder) => {
            const [name, version] = fs
              .readFileSync(path.join(recorded, folder, 'PACKAGE'), 'utf8')
              .trim()
              .split(' ');
            return { name, version, path: `${PACKAGES_DIR}/${folder}`, direct: true, modules: [name] };
          });
      },
      provides: (packages) => packages.map((pkg) => pkg.name),
    },
    options,
  );
}

/** What a line of a script sources: `. name.sh` or `source name.sh` (a path with a slash is a file of its own, not a library). */
const SOURCED = /^\s*(?:\.|source)\s+["']?([A-Za-z0-9_.-]+)\.sh["']?\s*(?:#.*)?$/;

/** The function's scripts, copied as they are into its task root, with every library they source. */
export function shellFunctionCode(projectRoot: string, staging: string, target: BundleTarget): Promise<BundledCode> {
  const sourceDir = path.join(projectRoot, target.entry);
  const files = filesUnder(sourceDir).filter((file) => file.endsWith('.sh'));
  const ownModules = files.map((file) => path.basename(file, '.sh'));
  const imports = files.flatMap((file) => {
    fs.mkdirSync(path.dirname(path.join(staging, file)), { recursive: true });
    fs.copyFileSync(path.join(sourceDir, file), path.join(staging, file));
    return fs
      .readFileSync(path.join(sourceDir, file), 'utf8')
      .split('\n')
      .flatMap((text, index) => {
        const sourced = SOURCED.exec(text);
        return sourced ? [{ module: sourced[1], specifier: `${sourced[1]}.sh`, file: `${target.entry}/${file}`, line: index + 1 }] : [];
      });
  });
  return Promise.resolve({ imports, ownModules, unchecked: [], readBy: 'a regular expression', inputs: files.map((file) => `${target.entry}/${file}`) });
}
