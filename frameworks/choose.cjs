// Chooses the CDK framework the cdktf app loads: CDK_FRAMEWORK=cdktf (the default: CDK for Terraform 0.21.0 and its
// prebuilt providers from the project's own node_modules) or CDK_FRAMEWORK=cdktn (CDK Terrain, the community fork,
// from frameworks/cdktn/node_modules: `npm run cdktn:install`). The sources import `cdktf`, `@cdktf/provider-*` and
// `constructs`; under cdktn those names resolve to `cdktn`, `@cdktn/provider-*` and the fork's `constructs`, for every
// importer (so @cdktf/provider-github, which has no @cdktn build, runs on cdktn's core too). It must run before any of
// them loads: `node --require ./frameworks/select.cjs` for the app's own process, or a call before a synthesis in the
// CLI's. Plain CommonJS with Node's built-ins only.
'use strict';
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');

const FRAMEWORKS = ['cdktf', 'cdktn'];

/** What each name the sources import becomes under cdktn: the fork's package of the same role. */
const CDKTN_NAMES = [
  ['cdktf', 'cdktn'],
  ['@cdktf/provider-aws', '@cdktn/provider-aws'],
  ['@cdktf/provider-archive', '@cdktn/provider-archive'],
  ['constructs', 'constructs'],
];

let chosen;

/** Puts the framework named in place (unset: cdktf); returns why it cannot be, or undefined. A process keeps its first choice. */
function chooseFramework(name) {
  const framework = name || 'cdktf';
  if (!FRAMEWORKS.includes(framework)) return `CDK_FRAMEWORK is "${framework}"; allowed: ${FRAMEWORKS.join(' or ')} (unset means cdktf).`;
  if (chosen !== undefined) {
    return chosen === framework ? undefined : `this process already synthesises with ${chosen}; CDK_FRAMEWORK=${framework} needs a process of its own.`;
  }
  if (framework === 'cdktn') {
    const modules = path.join(__dirname, 'cdktn', 'node_modules');
    if (!fs.existsSync(path.join(modules, 'cdktn', 'package.json'))) {
      return `CDK_FRAMEWORK=cdktn, but CDK Terrain is not installed in ${path.relative(process.cwd(), modules) || modules}; run \`npm run cdktn:install\`.`;
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
  chosen = framework;
  return undefined;
}

module.exports = { chooseFramework, FRAMEWORKS };
