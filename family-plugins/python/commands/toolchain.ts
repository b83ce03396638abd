import * as path from 'node:path';
import { TOOLCHAIN_LOCK, TOOLCHAIN_REQUIREMENTS, ensurePythonToolchain, lockPythonToolchain } from '../toolchain';
import { Command, writeJson } from '../../../project/command';
import { PluginProject } from '../../plugin';

export const toolchainCommand: Command<PluginProject> = {
  usage: 'npm run toolchain -- [--lock] [--json]',
  help: `Python layers are resolved and installed by the project's own tools, never by what the
machine happens to have: uv (and pip, the other installer), pip-audit for known advisories,
and moto's server and boto3 for the tests and the local run. They are pinned with their
hashes in ${TOOLCHAIN_LOCK} and installed from it alone into .toolchain/python (or
PYTHON_TOOLCHAIN), a virtual environment made from this machine's Python (3.12 preferred;
PYTHON picks another). Commands that need it install it on first use; this command does it
now and prints the versions. --lock resolves ${TOOLCHAIN_REQUIREMENTS} again (universal:
every platform, Python 3.10 and later) and rewrites the lock. Node.js environments never
need any of it.`,
  options: {
    lock: { type: 'boolean', describe: 'resolve the requirements again and rewrite the lock (needs an index)' },
    json: { type: 'boolean', describe: 'print the toolchain (folder, interpreter, versions) as JSON on stdout' },
  },
  async run(values, _positionals, { project, env, err, out }) {
    if (values['lock']) {
      const step = err.step(`resolve ${TOOLCHAIN_REQUIREMENTS} with uv`);
      const changed = await lockPythonToolchain({ env, projectRoot: project.home, progress: (line) => step.update(line) });
      step.done(`${changed ? 'wrote' : 'unchanged'} ${TOOLCHAIN_LOCK}`);
    }
    const step = err.step('Python toolchain');
    const toolchain = await ensurePythonToolchain({ env, projectRoot: project.home, progress: (line) => step.update(line) });
    const shown = ['uv', 'pip', 'pip-audit', 'moto', 'boto3'].map((name) => `${name} ${toolchain.versions[name] ?? '?'}`).join(', ');
    step.done(`${shown} in ${path.relative(project.root, toolchain.dir) || toolchain.dir}`);
    if (values['json']) writeJson(out, { dir: toolchain.dir, python: toolchain.python, uv: toolchain.uv, versions: toolchain.versions });
    return 0;
  },
};
