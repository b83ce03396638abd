// An npm that only leaves a mark: a build that must not run npm is checked by the mark's absence.
const fs = require('node:fs');
const path = require('node:path');

fs.writeFileSync(path.join(__dirname, '..', 'ran'), process.argv.slice(2).join(' '));
process.exitCode = 1;
