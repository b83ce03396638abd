import * as fs from 'node:fs';
import * as path from 'node:path';
import { InstalledPackage } from '../../../artifacts/manifest';
import { LayerSource } from '../../../builder/layer-sources';
import { buildLayer } from '../../../builder/layer-build';
import { FamilyPlugin } from '../../../family-plugins/plugin';
import { toPosix } from '../../../project/paths';
import { AMAZON_LINUX_2023 } from '../../../families/platform';

/**
 * A runtime family that exists only in the tests: Ruby, with gems vendored in the layer folder (`Gemfile` names them,
 * `gems/<name>-<version>/` holds them) and a function whose `require 'x'` lines are its imports. It is this one folder
 * and one entry in a registry (familyRegistry([...PLUGINS.families, rubyPlugin])): nothing else in the project knows it.
 */

const RUBY_RUNTIMES = ['ruby3.3', 'ruby3.4'] as const;
const GEM_DIR = 'ruby/gems/3.3.0/gems';

function gemsOf(dir: string): { name: string; version: string; folder: string }[] {
  const gems = path.join(dir, 'gems');
  if (!fs.existsSync(gems)) return [];
  return fs
    .readdirSync(gems)
    .sort()
    .map((folder) => {
      const match = /^(.+)-(\d[\w.]*)$/.exec(folder);
      if (!match) throw new Error(`gems/${folder} is not <name>-<version>`);
      return { name: match[1], version: match[2], folder };
    });
}

function filesUnder(dir: string, prefix = ''): string[] {
  return fs
    .readdirSync(path.join(dir, prefix), { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((entry) => (entry.isDirectory() ? filesUnder(dir, path.join(prefix, entry.name)) : [toPosix(path.join(prefix, entry.name))]));
}

export const rubyPlugin: FamilyPlugin = {
  id: 'ruby',
  name: 'Ruby',
  runtimes: RUBY_RUNTIMES,
  defaultRuntime: 'ruby3.3',
  runtimeName: /^ruby\d+\.\d+$/,
  packageFile: 'Gemfile',
  importsBy: 'package',
  bareImportsCanBeOwn: false,
  importable: () => true,
  builtIn: (module) => (['json', 'set', 'time'].includes(module) ? 'Ruby standard library' : undefined),
  shippedWithRuntime: (module) => (module.startsWith('aws-sdk') ? 'AWS SDK for Ruby, shipped with the runtime' : undefined),
  layerVariantOf: () => 'ruby',
  variantMismatch: (variant) => `it is built for ${variant}`,
  packageUrl: (name) => ({ type: 'gem', name }),
  packageProperties: () => [],
  layerProperties: () => [],
  packageMetadataFile: 'lib',
  packageMetadataEntry: (name, version) => `${GEM_DIR}/${name}-${version}/lib`,
  missingImport: {
    runtimeHas: 'the Ruby standard library and the AWS SDK for Ruby',
    lambdaSays: (module) => `every request would fail with Init error: cannot load such file -- ${module} (LoadError)`,
    howToAdd: (module, packageFiles) => `Add gem '${module}' to ${packageFiles} and vendor it under gems/`,
  },
  layerRoot: 'ruby',
  moduleSearchPath: (_runtime, dirs) => [dirs.task, `${dirs.opt}/ruby/gems/3.3.0`, `${dirs.opt}/ruby/lib`],
  runtimePackagesDir: (_runtime, dirs) => `${dirs.lang}/lib/ruby/gems`,
  ownsFile: (pkg, file) => file.startsWith(`${pkg.path}/`),
  bundlesFunction: false,
  strategyLayers: { single: ['gems'], hybrid: ['gems'], split: ['gems'] },
  apiFunction: { name: 'api', entry: 'handlers/ruby_api', handler: 'app.handler', framework: 'Ruby' },
  compareVersions: (a, b) => a.localeCompare(b, 'en', { numeric: true }),
  platform: () => AMAZON_LINUX_2023,
  commands: [],
  errorCodes: [],

  readSource: (dir, _folder, name) => {
    const files = new Map<string, Buffer>([['Gemfile', fs.readFileSync(path.join(dir, 'Gemfile'))]]);
    for (const file of fs.existsSync(path.join(dir, 'gems')) ? filesUnder(dir, 'gems') : []) files.set(file, fs.readFileSync(path.join(dir, file)));
    return { name, kind: 'ruby', dir, files, provides: gemsOf(dir).map((gem) => gem.name) };
  },
  inputFiles: (source) => source.files,
  buildLayer: (target, source: LayerSource, options) =>
    buildLayer(
      target,
      source,
      {
        family: rubyPlugin,
        tool: { name: 'copy', version: '1' },
        inputFiles: source.files,
        defaultSlimming: [],
        install: (treeDir) => {
          for (const gem of gemsOf(source.dir))
            fs.cpSync(path.join(source.dir, 'gems', gem.folder), path.join(treeDir, GEM_DIR, gem.folder), { recursive: true });
          return Promise.resolve();
        },
        packages: (treeDir): InstalledPackage[] =>
          fs.existsSync(path.join(treeDir, GEM_DIR))
            ? gemsOf(path.join(treeDir, 'ruby/gems/3.3.0')).map((gem) => ({
                name: gem.name,
                version: gem.version,
                path: `${GEM_DIR}/${gem.folder}`,
                direct: true,
              }))
            : [],
        provides: (packages) => packages.map((pkg) => pkg.name),
      },
      options,
    ),
  functionCode: (projectRoot, staging, target) => {
    const sourceDir = path.join(projectRoot, target.entry);
    const files = filesUnder(sourceDir).filter((file) => file.endsWith('.rb'));
    const imports = files.flatMap((file) => {
      fs.mkdirSync(path.dirname(path.join(staging, file)), { recursive: true });
      fs.copyFileSync(path.join(sourceDir, file), path.join(staging, file));
      return fs
        .readFileSync(path.join(sourceDir, file), 'utf8')
        .split('\n')
        .flatMap((text, index) => {
          const required = /^\s*require\s+'([^']+)'/.exec(text);
          return required ? [{ module: required[1], specifier: required[1], file: `${target.entry}/${file}`, line: index + 1 }] : [];
        });
    });
    return Promise.resolve({ imports, ownModules: [], unchecked: [], readBy: 'a regular expression', inputs: files.map((file) => `${target.entry}/${file}`) });
  },
  buildWarnings: () => [],
  checkLayerImports: (layer) =>
    Promise.resolve({
      layer: layer.id,
      status: 'skipped',
      imported: [],
      failures: [],
      skipped: [{ reason: 'the test-only Ruby family has no interpreter here' }],
    }),
  localProcess: () => Promise.reject(new Error('the test-only Ruby family has no local process')),
};
