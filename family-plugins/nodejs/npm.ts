import * as fs from 'node:fs';
import * as path from 'node:path';
import { npmNotFound } from './errors';

/** How to run npm without going through a shell. */
export interface NpmCommand {
  readonly command: string;
  readonly args: readonly string[];
  readonly version: string;
}

function npmVersionBeside(cliScript: string): string | undefined {
  try {
    const pkg = JSON.parse(fs.readFileSync(path.join(path.dirname(cliScript), '..', 'package.json'), 'utf8')) as {
      name?: string;
      version?: string;
    };
    return pkg.name === 'npm' ? pkg.version : undefined;
  } catch {
    return undefined;
  }
}

/** `npm` on PATH, followed to the npm-cli.js it links to (a Node from runtimes/ has no npm beside it). */
function npmOnPath(env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env['PATH'] ?? '').split(path.delimiter).filter(Boolean)) {
    try {
      return fs.realpathSync(path.join(dir, 'npm'));
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

/**
 * Finds npm without running it: the npm that started this script (npm_execpath),
 * else the one installed beside this Node, else the one on PATH. Its version comes
 * from its package.json, so a cache hit never spawns npm.
 */
export function locateNpm(env: NodeJS.ProcessEnv = process.env): NpmCommand {
  const candidates = [env['npm_execpath'], path.join(path.dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'bin', 'npm-cli.js'), npmOnPath(env)];
  for (const candidate of candidates) {
    if (candidate && path.basename(candidate) === 'npm-cli.js' && fs.existsSync(candidate)) {
      const version = npmVersionBeside(candidate);
      if (version) return { command: process.execPath, args: [candidate], version };
    }
  }
  throw npmNotFound();
}

/** npm settings that may reach a child npm, because they say where packages come from (the download cache, offline too), not what is built. */
const KEPT_NPM_SETTINGS =
  /^npm_config_(registry|userconfig|globalconfig|cafile|ca|strict_ssl|proxy|https_proxy|noproxy|fetch_[a-z_]+|maxsockets|cache|offline|@[^:]+:registry|\/\/.*)$/i;

/** The parent's environment minus npm settings that would change the installed tree. */
export function installEnvironment(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) {
    if (/^npm_/i.test(key) && !KEPT_NPM_SETTINGS.test(key)) continue;
    if (key === 'NODE_OPTIONS' || key === 'NODE_ENV') continue;
    clean[key] = value;
  }
  clean['npm_config_update_notifier'] = 'false';
  return clean;
}

/** A sentence that says why npm failed and what to do, from npm's own output. */
export function explainNpmFailure(layer: string, output: string): string {
  const lastLines = output.trim().split('\n').slice(-12).join('\n');
  let cause = 'npm ci failed';
  if (/ENOTCACHED/.test(output)) {
    cause =
      'npm is offline (npm_config_offline, or offline in .npmrc) and its download cache lacks a package of package-lock.json. Build once where the registry can be reached (without offline), or point npm_config_cache at a cache that has it';
  } else if (/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ECONNRESET|network/i.test(output)) {
    cause =
      'npm could not reach the registry. Check the network, or point npm at a reachable registry ' + '(npm config set registry <url>, or NPM_CONFIG_REGISTRY)';
  } else if (/E404|404 Not Found/.test(output)) {
    cause = 'a package in the lockfile does not exist in the registry; check the name and version in package.json';
  } else if (/EINTEGRITY/.test(output)) {
    cause = 'a downloaded package does not match the integrity hash in package-lock.json; regenerate the lockfile';
  } else if (/can only install packages when your package.json and package-lock.json.*in sync|npm ci.*in sync/is.test(output)) {
    cause = `package.json and package-lock.json are out of sync; run \`npm install --package-lock-only --prefix layers/${layer}\``;
  } else if (/EBADPLATFORM|notsup/i.test(output)) {
    cause = "a package does not support Lambda's platform (linux, this architecture); choose another package or version";
  }
  return `Layer "${layer}": ${cause}.\nLast lines from npm:\n${lastLines}`;
}
