// Loaded with `node --require ./frameworks/select.cjs` by the cdktf app's own process (main.ts, as `cdktf synth` runs
// it): chooses the framework CDK_FRAMEWORK names before anything loads it (frameworks/choose.cjs), or stops the process
// saying why. Plain CommonJS with Node's built-ins only.
'use strict';
const { chooseFramework } = require('./choose.cjs');

const problem = chooseFramework(process.env.CDK_FRAMEWORK);
if (problem) {
  process.stderr.write(`error: ${problem}\n`);
  process.exit(1);
}
