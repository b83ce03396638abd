import { LockResult, lockPythonLayer, lockTargetsOf } from '../lock-layer';
import { describeLockChangesByTarget, lockTargetKey, unmovedPackages } from '../python-lock';
import * as path from 'node:path';
import { normalisePythonName } from '../pep508';
import { optionsExclusive } from '../../../project/errors';
import { notAPythonLayer, upgradePackageNotLocked } from '../errors';
import { Command, writeJson } from '../../../project/command';
import { PluginProject } from '../../plugin';
import { isPythonSource } from '../python-source';

export const layersLockCommand: Command<PluginProject> = {
  usage: 'npm run layers:lock -- [<layer>...] [--upgrade | --upgrade-package <name>...] [--json]',
  help: `Resolves each Python layer's requirements.txt (or the layers named) with uv, the
project toolchain's resolver, for Lambda's platform (manylinux_2_34: Amazon Linux 2023)
and every target: python3.12 on x86_64 and arm64, and every other Python version and
architecture an environment builds the layer for. Markers are evaluated for the target,
not this machine. For each target it writes layers/<layer>/requirements.<target>.lock.txt,
a hashed requirements file: every distribution, transitive ones included, pinned by
version and by the sha256 of the one wheel that loads there. The build installs exactly
that (\`--no-deps --require-hashes\`, from the wheel cache), so any machine, any day,
builds the same tree; pip, uv, pip-audit, OSV-Scanner, Dependabot and Renovate read it as
it is. A lock that no longer matches requirements.txt fails the build with this command.

Relocking keeps every pin of the existing lock that still satisfies requirements.txt, as
pip-compile and uv do: removing a requirement removes that package and what only it
needed, adding one adds it and what it needs, and nothing else moves. --upgrade-package
lets the packages named move to their newest versions (and what they need, as far as it
must); --upgrade lets everything move. It prints what changed in each lock: removed (-),
added (+), moved to another version (~), or the same version pinned to another wheel
(~ name version (file -> file)). A lock that cannot be read (a merge conflict) is written
again keeping the pins its lines hold, from both sides (the higher where they differ).
Exit code 0 when the locks are written, 1 when resolving fails, 2 for a bad command line.

Where packages come from (the project reads these and gives them to uv and pip):
UV_DEFAULT_INDEX (default https://pypi.org/simple), UV_INDEX for more indexes,
UV_FIND_LINKS for folders of wheels, UV_NO_INDEX=1 for those folders alone (uv has no such
variable; the project passes --no-index), UV_OFFLINE=1 for no network (then uv also reads
its cache under the build folder and the wheel cache).`,
  options: {
    'build-dir': { type: 'string', value: '<dir>', describe: "where uv's cache and scratch files go (default .build, or BUILD_DIR)" },
    upgrade: { type: 'boolean', describe: 'let every package move to its newest version that fits (default: keep the pins)' },
    'upgrade-package': {
      type: 'string',
      value: '<name>',
      multiple: true,
      describe: 'let this package move to its newest version that fits, every other pin stays (repeatable)',
    },
    json: { type: 'boolean', describe: 'print what was locked, and what changed, as JSON on stdout' },
  },
  allowPositionals: true,
  async run(values, positionals, { project, env, err, out }) {
    const config = project.config();
    const buildDir = project.buildDir(values['build-dir'] as string | undefined);
    const sources = project.readLayerSources({ relocking: true });
    const python = sources.filter(isPythonSource);
    for (const name of positionals) {
      if (!python.some((source) => source.name === name)) {
        throw notAPythonLayer(
          name,
          python.map((source) => source.name),
          'layers:lock',
          'with a requirements.txt',
        );
      }
    }
    const chosen = python.filter((source) => positionals.length === 0 || positionals.includes(source.name));
    const packages = (values['upgrade-package'] as string[] | undefined) ?? [];
    if (values['upgrade'] && packages.length) throw optionsExclusive(['--upgrade', '--upgrade-package'], 'layers:lock', 'ask for different things');
    const pinned = new Set(
      chosen.flatMap((source) => Object.values(source.locks ?? {}).flatMap((lock) => lock.target.distributions.map((dist) => normalisePythonName(dist.name)))),
    );
    for (const name of packages) {
      if (!pinned.has(normalisePythonName(name)))
        throw upgradePackageNotLocked(
          name,
          chosen.map((source) => source.name),
          [...pinned].sort(),
          'layers:lock',
        );
    }
    const upgrade = values['upgrade'] ? { all: true } : { packages };
    const results: LockResult[] = [];
    for (const source of chosen) {
      const targets = lockTargetsOf(project.families, config, sources, source.name);
      const step = err.step(`lock ${source.name} for ${targets.map(lockTargetKey).join(', ')}`);
      try {
        const result = await lockPythonLayer(source, targets, { projectRoot: project.root, toolHome: project.home, buildDir, env, step, upgrade });
        const counts = result.targets.map((target) => `${lockTargetKey(target)} ${target.distributions.length} distributions`).join(', ');
        const wrote = result.written.length ? `wrote ${result.written.map((file) => path.posix.basename(file)).join(', ')}` : 'no lock changed';
        const removed = result.removed.length ? `; removed ${result.removed.join(', ')}` : '';
        step.done(`${counts}; ${wrote}${removed}`);
        for (const file of result.salvaged) {
          err.line(
            `  layers/${source.name}/${file} could not be read as a lock (a merge conflict?): written again, keeping the pins its lines held (the higher where the sides differ)`,
          );
        }
        for (const line of describeLockChangesByTarget(result.changes)) err.line(`  ${line}`);
        for (const pkg of unmovedPackages(result.targets, result.changes, packages)) {
          err.line(`  ${pkg.name} stays at ${pkg.version}: nothing newer fits the requirements, or the index has nothing newer`);
        }
        results.push(result);
      } catch (error) {
        step.fail((error as Error).message.split('\n')[0]);
        throw error;
      }
    }
    if (values['json']) {
      writeJson(out, {
        locked: results.map((result) => ({
          layer: result.layer,
          files: result.files,
          removed: result.removed,
          written: result.written,
          changed: result.changed,
          changes: result.changes,
          targets: result.targets,
        })),
      });
    } else if (results.some((result) => result.changed)) {
      const changed = results.filter((result) => result.changed).map((result) => result.layer);
      err.line(`Locked ${results.length} layer(s), ${changed.join(', ')} changed; commit the lock files. \`npm run build\` now installs from them.`);
    } else if (results.length > 0) {
      err.line(`Locked ${results.length} layer(s): nothing changed, the lock files already say this.`);
    }
    return 0;
  },
};
