// The project CLI, compiled once: `sh runtimes/cli.sh <command> [options]` (what the npm scripts run).
// The sources (cli/main.ts and what it imports) are bundled by esbuild into .cli/ (git-ignored), each command's
// modules initialised only when that command runs; they are compiled again only when a source file changed
// (its size or modification time differs from the last compile's), so a run transforms nothing.
// Plain JavaScript with Node's built-ins only; esbuild is loaded only to compile.
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  process.stderr.write(
    `error: the project's tooling needs Node.js 22 or later (24, see .nvmrc), and this is ${process.version}. ` +
      'Run `npm ci` (it installs Node 24 into runtimes/), or switch to Node 24 (`nvm use`).\n',
  );
  process.exit(1);
}

const root = path.resolve(__dirname, '..');
const outdir = path.join(root, '.cli');
// V8 keeps the compiled code of the bundle and the packages it loads beside it, so a run does not parse them again.
require('node:module').enableCompileCache?.(path.join(outdir, 'v8'));
const bundle = path.join(outdir, 'main.cjs');
const inputsFile = path.join(outdir, 'inputs.json');

/** Whether the bundle was compiled from the sources as they are now. */
function fresh() {
  let inputs;
  try {
    inputs = JSON.parse(fs.readFileSync(inputsFile, 'utf8'));
    if (!fs.existsSync(bundle)) return false;
  } catch {
    return false;
  }
  for (const [file, [mtimeMs, size]] of Object.entries(inputs)) {
    let stat;
    try {
      stat = fs.statSync(path.join(root, file));
    } catch {
      return false;
    }
    if (stat.mtimeMs !== mtimeMs || stat.size !== size) return false;
  }
  return true;
}

/** Bundles the CLI and records what it was made from; written beside and renamed, so a concurrent run never reads half a file. */
function compile() {
  const { buildSync } = require(path.join(root, 'node_modules', 'esbuild'));
  fs.mkdirSync(outdir, { recursive: true });
  const temporary = `${bundle}.${process.pid}.tmp`;
  const result = buildSync({
    absWorkingDir: root,
    entryPoints: ['cli/main.ts'],
    outfile: temporary,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: `node${major}`,
    packages: 'external',
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = {};
  for (const file of Object.keys(result.metafile.inputs).sort()) {
    const stat = fs.statSync(path.join(root, file));
    inputs[file] = [stat.mtimeMs, stat.size];
  }
  fs.renameSync(temporary, bundle);
  fs.writeFileSync(`${inputsFile}.${process.pid}.tmp`, `${JSON.stringify(inputs)}\n`);
  fs.renameSync(`${inputsFile}.${process.pid}.tmp`, inputsFile);
}

if (!fresh()) {
  try {
    compile();
  } catch (error) {
    process.stderr.write(
      `error: the CLI could not be compiled (${error.message.split('\n')[0]}). Run \`npm ci\` first; \`npm test\` shows what does not type-check.\n`,
    );
    process.exit(1);
  }
}

require(bundle)
  .main(process.argv.slice(2))
  .then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write(`${String(error)}\n`);
      process.exitCode = 70;
    },
  );
