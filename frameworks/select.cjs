// Chooses the CDK framework the cdktf app loads, at load time: CDK_FRAMEWORK=cdktf (the default: CDK for Terraform
// 0.21.0 and its prebuilt providers from the project's own node_modules) or CDK_FRAMEWORK=cdktn (CDK Terrain, the
// community fork, from frameworks/cdktn/node_modules: `npm run cdktn:install`). The sources import `cdktf`,
// `@cdktf/provider-*` and `constructs`; under cdktn those names resolve to `cdktn`, `@cdktn/provider-*` and the fork's
// `constructs`, for every importer (so @cdktf/provider-github, which has no @cdktn build, runs on cdktn's core too).
// Loaded with `node --require`, before any of them. Plain CommonJS with Node's built-ins only.
'use strict';
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');

const FRAMEWORKS = ['cdktf', 'cdktn'];
const framework = process.env.CDK_FRAMEWORK || 'cdktf';
if (!FRAMEWORKS.includes(framework)) {
  process.stderr.write(`error: CDK_FRAMEWORK is "${framework}"; allowed: ${FRAMEWORKS.join(' or ')} (unset means cdktf).\n`);
  process.exit(1);
}

/** What each name the sources import becomes under cdktn: the fork's package of the same role. */
const CDKTN_NAMES = [
  ['cdktf', 'cdktn'],
  ['@cdktf/provider-aws', '@cdktn/provider-aws'],
  ['@cdktf/provider-archive', '@cdktn/provider-archive'],
  ['constructs', 'constructs'],
];

if (framework === 'cdktn') {
  const modules = path.join(__dirname, 'cdktn', 'node_modules');
  if (!fs.existsSync(path.join(modules, 'cdktn', 'package.json'))) {
    process.stderr.write(
      `error: CDK_FRAMEWORK=cdktn, but CDK Terrain is not installed in ${path.relative(process.cwd(), modules) || modules}; run \`npm run cdktn:install\`.\n`,
    );
    process.exit(1);
  }
  const resolve = Module._resolveFilename;
  Module._resolveFilename = function resolveForCdktn(request, parent, isMain, options) {
    for (const [from, to] of CDKTN_NAMES) {
      if (request === from || request.startsWith(`${from}/`)) {
        return resolve.call(this, `${to}${request.slice(from.length)}`, parent, isMain, { ...options, paths: [modules] });
      }
    }
    return resolve.call(this, request, parent, isMain, options);
  };
}
