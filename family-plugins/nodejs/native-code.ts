import { Architecture } from '../../config/environments';
import { FamilyNativeCode } from '../../rules/deployment';

/** Node's names for Lambda's architectures, as prebuilds/<platform>-<arch>/ folders use them. */
const NODE_ARCH: Readonly<Record<Architecture, string>> = { x86_64: 'x64', arm64: 'arm64' };

/**
 * A Node.js addon that ships for several platforms in one package (node-gyp-build's `prebuilds/<platform>-<arch>/`)
 * is loaded only from the folder of the platform it runs on: the others are not the function's to load.
 */
export function loadedOnLinux(path: string, architecture: Architecture): boolean {
  const prebuild = /(?:^|\/)prebuilds\/([a-z0-9]+)-([a-z0-9]+)(?:[-+][^/]*)?\//.exec(path);
  return !prebuild || (prebuild[1] === 'linux' && prebuild[2] === NODE_ARCH[architecture]);
}

/** Node.js addons in the native-code rule: only the function's platform's prebuilds load, and npm installs for a platform. */
export const NODE_NATIVE_CODE: FamilyNativeCode = {
  loads: loadedOnLinux,
  fix: (pkg, _layer, env) =>
    `Install ${pkg ?? 'the package'} for the function's platform: npm ci --os=linux --cpu=${NODE_ARCH[env.architecture]} (npm run build does), ` +
    `or choose a package that ships a Linux ${NODE_ARCH[env.architecture]} build.`,
};
