import { buildProject } from '../../use-cases/build';
import { manifestPath } from '../../project/paths';
import { displayPath } from '../../artifacts/manifest';
import { Command, writeJson } from '../command';

export const buildCommand: Command = {
  usage: 'npm run build -- [--only-used] [--build-dir <dir>] [--json]',
  help: `Builds, for Lambda's platform, every layer that an environment uses (per
architecture and Python version), every other layer in layers/ for its runtime's
default (so a new layer can be tried before it is wired in), and the function
bundles. Node.js layers come from package.json + package-lock.json (npm ci),
Python layers from their locks (requirements.<target>.lock.txt: uv installs exactly
those wheels from the wheel cache, fetching what is missing; PYTHON_INSTALLER=pip
uses pip), or from requirements.txt with a warning of what floats; wheels for
Amazon Linux 2023 (manylinux_2_34 and older) only. A layer whose inputs are
unchanged and whose tree is untouched is reused without running its package
manager, or any Python. A layer no environment uses may fail
without failing the build; it is reported. Last, for every environment: Lambda's
limits, and every import of the function's code against what its layers and the
runtime provide (\`npm run doctor -- <stack>\` shows the table). The manifest is
written before these checks, so doctor can read what they refused.`,
  options: {
    'only-used': { type: 'boolean', describe: 'build only what environments deploy (synth and start do this)' },
    'build-dir': { type: 'string', value: '<dir>', describe: 'where to build (default .build, or BUILD_DIR)' },
    json: { type: 'boolean', describe: 'print the build report as JSON on stdout' },
  },
  async run(values, _positionals, { project, err, out }) {
    const buildDir = project.buildDir(values['build-dir'] as string | undefined);
    const report = await buildProject(project, { buildDir, progress: err, onlyUsed: Boolean(values['only-used']) });
    if (values['json']) {
      writeJson(out, { buildDir, layers: report.layers, unbuilt: report.unbuilt, bundles: report.bundles, warnings: report.warnings });
    } else {
      const reused = report.layers.filter((layer) => layer.cached).length;
      const unbuilt = report.unbuilt.length ? `, ${report.unbuilt.length} unused layer(s) not built` : '';
      err.line(
        `Built ${report.layers.length} layer(s) (${reused} reused)${unbuilt} and ${report.bundles.length} bundle(s); ` +
          `manifest ${err.bold(displayPath(manifestPath(buildDir)))}`,
      );
    }
    return 0;
  },
};
