/**
 * Loaded with `node --require` into one process the tests start: appends a JSON line to COUNT_LOG for every file it
 * reads under COUNT_ROOT (by path relative to it) and every process it starts, so a test can say how often each was
 * done. Only this process: its children are not given the flag.
 */
const fs = require('node:fs');
const path = require('node:path');
const childProcess = require('node:child_process');

const log = process.env.COUNT_LOG;
const root = process.env.COUNT_ROOT;
if (!log || !root) throw new Error('count-calls.cjs needs COUNT_LOG and COUNT_ROOT');
const append = fs.appendFileSync;
const note = (entry) => append(log, `${JSON.stringify(entry)}\n`);
const inRoot = (file) => {
  if (typeof file !== 'string') return undefined;
  const full = path.resolve(file);
  return full.startsWith(root + path.sep) ? path.relative(root, full).split(path.sep).join('/') : undefined;
};

for (const [owner, name] of [
  [fs, 'readFileSync'],
  [fs, 'readFile'],
  [fs.promises, 'readFile'],
]) {
  const original = owner[name];
  owner[name] = function (file, ...rest) {
    const relative = inRoot(file);
    if (relative !== undefined) note({ read: relative });
    return original.call(this, file, ...rest);
  };
}
for (const name of ['spawn', 'spawnSync', 'execFile', 'execFileSync', 'fork', 'exec', 'execSync']) {
  const original = childProcess[name];
  childProcess[name] = function (command, args, ...rest) {
    note({ spawn: [String(command), ...(Array.isArray(args) ? args.map(String) : [])] });
    return original.call(this, command, args, ...rest);
  };
}
