import { LockResult, lockPythonLayer, lockTargetsOf } from '../../builder/lock-layer';
import { readAllLayerSources } from '../../builder/layer-sources';
import { lockTargetKey } from '../../builder/python-lock';
import { loadProjectConfig } from '../../config/config-sources';
import { usage } from '../../project/errors';
import { PROJECT_ROOT, resolveBuildDir } from '../../project/paths';
import { Command, writeJson } from '../command';

export const layersLockCommand: Command = {
  name: 'layers:lock',
  summary: "Lock Python layers: pip's resolution for every target, pinned by version and sha256, beside requirements.txt",
  usage: 'npm run layers:lock -- [<layer>...] [--json]',
  help: `Resolves each Python layer's requirements.txt (or the layers named) with pip's own
resolver, \`pip install --dry-run --report\`, for Lambda's platform and every target the
environments build it for (Python version and architecture; a layer no environment
uses is locked for python3.12 x86_64), and writes layers/<layer>/requirements.lock.json:
every distribution, transitive ones included, with its version, wheel and sha256.
The build then installs exactly that (\`--no-deps --require-hashes\`), so any machine,
any day, builds the same tree. A lock that no longer matches requirements.txt fails
the build with this command. It needs a package index (PIP_INDEX_URL, pip.conf) or a
folder of wheels (PIP_FIND_LINKS); pip's configuration is honoured.`,
  options: {
    'build-dir': { type: 'string', value: '<dir>', describe: 'where pip\'s cache and scratch files go (default .build, or BUILD_DIR)' },
    json: { type: 'boolean', describe: 'print what was locked as JSON on stdout' },
  },
  allowPositionals: true,
  async run(values, positionals, { env, err, out }) {
    const config = loadProjectConfig(PROJECT_ROOT, env);
    const buildDir = resolveBuildDir(values['build-dir'] as string | undefined, env);
    const sources = readAllLayerSources(PROJECT_ROOT);
    const python = sources.filter((source) => source.kind === 'python');
    for (const name of positionals) {
      if (!python.some((source) => source.name === name)) {
        throw usage(`"${name}" is not a Python layer; Python layers (with a requirements.txt) are ${python.map((source) => source.name).join(', ') || 'none'}.`, 'layers:lock');
      }
    }
    const chosen = python.filter((source) => positionals.length === 0 || positionals.includes(source.name));
    const results: LockResult[] = [];
    for (const source of chosen) {
      const targets = lockTargetsOf(config, sources, source.name);
      const step = err.step(`lock ${source.name} for ${targets.map(lockTargetKey).join(', ')}`);
      try {
        const result = await lockPythonLayer(source, targets, { projectRoot: PROJECT_ROOT, buildDir, env, step });
        const counts = result.targets.map((target) => `${lockTargetKey(target)} ${target.distributions.length} distributions`).join(', ');
        step.done(`${counts}; ${result.changed ? 'wrote' : 'unchanged'} ${result.file}`);
        results.push(result);
      } catch (error) {
        step.fail((error as Error).message.split('\n')[0]!);
        throw error;
      }
    }
    if (values['json']) {
      writeJson(out, { locked: results.map((result) => ({ layer: result.layer, file: result.file, changed: result.changed, targets: result.targets })) });
    } else if (results.length > 0) {
      err.line(`Locked ${results.length} layer(s); commit the lock files. \`npm run build\` now installs from them.`);
    }
    return 0;
  },
};
