import { runBuild } from '../../builder/build';
import { loadProjectConfig } from '../../config/config-sources';
import { PROJECT_ROOT, resolveBuildDir } from '../../project/paths';
import { Command, writeJson } from '../command';

export const buildCommand: Command = {
  name: 'build',
  summary: 'Build every layer tree and function bundle into .build/ and write the manifest',
  usage: 'npm run build -- [--build-dir <dir>] [--json]',
  help: `Builds, for Lambda's platform, every layer that an environment uses (once per
architecture), every other folder under layers/ for the default architecture, and
one function bundle per distinct set of layer-provided packages. A layer whose
inputs (package.json, package-lock.json, .npmrc, architecture, npm version) are
unchanged and whose tree is untouched is reused without running npm.

Options:
  --build-dir <dir>  where to build (default .build, or BUILD_DIR)
  --json             print the build report as JSON on stdout
  --no-color         no colour (NO_COLOR is honoured too)
  -h, --help         this help`,
  options: { 'build-dir': { type: 'string' }, json: { type: 'boolean' } },
  async run(values, _positionals, { env, err, out }) {
    const config = loadProjectConfig(PROJECT_ROOT, env);
    const buildDir = resolveBuildDir(values['build-dir'] as string | undefined, env);
    const report = await runBuild({ projectRoot: PROJECT_ROOT, buildDir, config, progress: err, env });
    if (values['json']) {
      writeJson(out, { buildDir, layers: report.layers, bundles: report.bundles });
    } else {
      const reused = report.layers.filter((layer) => layer.cached).length;
      err.line(
        `Built ${report.layers.length} layer(s) (${reused} reused) and ${report.bundles.length} bundle(s); ` +
          `manifest ${err.bold(buildDir === PROJECT_ROOT ? 'manifest.json' : `${buildDir}/manifest.json`)}`,
      );
    }
    return 0;
  },
};
