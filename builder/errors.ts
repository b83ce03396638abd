import { UserError } from '../project/errors';

/** The build: tools, trees, layers, bundles: the errors a user can fix, one factory each, each message made from the values it names. */

export const BUILD_ERROR_CODES = [
  'BUILD_LOCKED',
  'BUILT_TREE_MODIFIED',
  'BUNDLE_FAILED',
  'BUNDLE_STALE',
  'LAYER_INCOMPLETE',
  'LAYER_INSTALL_FAILED',
  'LAYER_LINKED_FOLDER',
  'LAYER_LOCK_FAILED',
  'LAYER_LOCK_INVALID',
  'LAYER_LOCK_STALE',
  'LAYER_SOURCE_INVALID',
  'LAYER_STALE',
  'NPM_NOT_FOUND',
  'PYTHON_INSTALLER_UNKNOWN',
  'PYTHON_NOT_FOUND',
  'PYTHON_SYNTAX',
  'TREE_PATH_UNSUPPORTED',
  'TREE_SYMLINK_OUTSIDE',
  'WHEELS_NOT_CACHED',
  'WHEEL_FETCH_FAILED',
] as const;
export type BuildErrorCode = (typeof BUILD_ERROR_CODES)[number];

export function layerSourceChanged(layer: string, detail: string): UserError<BuildErrorCode> {
  return new UserError<BuildErrorCode>(
    'LAYER_STALE',
    `Layer "${layer}" changed since it was built (${detail}), so its tree would not match its sources. ` + 'Run `npm run build` again.',
  );
}

export function bundleSourcesChanged(bundle: string, files: readonly string[]): UserError<BuildErrorCode> {
  return new UserError<BuildErrorCode>(
    'BUNDLE_STALE',
    `The function sources changed since bundle ${bundle} was built (${files.join(', ')}). Run \`npm run build\` again.`,
  );
}

export function builtTreeModified(what: string, detail: string): UserError<BuildErrorCode> {
  return new UserError<BuildErrorCode>(
    'BUILT_TREE_MODIFIED',
    `The built tree of ${what} was modified after the build (${detail}). ` + 'Run `npm run build`; it rebuilds trees that no longer match their manifest.',
  );
}

export function layerSourceInvalid(folder: string, problem: string): UserError<BuildErrorCode> {
  return new UserError<BuildErrorCode>('LAYER_SOURCE_INVALID', `Layer folder ${folder}: ${problem}`);
}

export function buildLocked(holder: number, lockFile: string): UserError<BuildErrorCode> {
  return new UserError<BuildErrorCode>('BUILD_LOCKED', `Another build (pid ${holder}) has held ${lockFile} for too long; stop it or delete the file.`);
}

export function npmNotFound(): UserError<BuildErrorCode> {
  return new UserError<BuildErrorCode>(
    'NPM_NOT_FOUND',
    'Cannot find npm (looked at npm_execpath, beside the running Node and on PATH). Install Node.js with npm, or run the build through `npm run build`.',
  );
}

export function pythonForImportsNotFound(folder: string, python: string, failure: string | undefined, pythonVersion: string): UserError<BuildErrorCode> {
  return new UserError<BuildErrorCode>(
    'PYTHON_NOT_FOUND',
    `Reading the imports of ${folder} needs a Python interpreter, and ${python} ${failure === undefined ? 'was not found' : `failed: ${failure}`}. ` +
      `Install Python ${pythonVersion} (or any Python 3), or set PYTHON${pythonVersion.replace('.', '_')} or PYTHON.`,
  );
}

export function pythonSyntax(file: string, error: string): UserError<BuildErrorCode> {
  return new UserError<BuildErrorCode>(
    'PYTHON_SYNTAX',
    `${file}: ${error}. The function cannot be imported on Lambda (Runtime.UserCodeSyntaxError); fix the file.`,
  );
}

export function layerInstallFailed(explanation: string): UserError<BuildErrorCode> {
  return new UserError<BuildErrorCode>('LAYER_INSTALL_FAILED', explanation);
}

export function layerLockFailed(explanation: string): UserError<BuildErrorCode> {
  return new UserError<BuildErrorCode>('LAYER_LOCK_FAILED', explanation);
}

export function wheelsNotCached(layer: string, target: string, wheels: readonly string[], cacheDir: string): UserError<BuildErrorCode> {
  const shown = wheels.length > 4 ? `${wheels.slice(0, 4).join(', ')} and ${wheels.length - 4} more` : wheels.join(', ');
  return new UserError<BuildErrorCode>(
    'WHEELS_NOT_CACHED',
    `Layer "${layer}" (${target}) is locked to wheels the wheel cache ${cacheDir} does not hold (${shown}), and UV_OFFLINE forbids downloading them. ` +
      'Build once where the index is reachable (or unset UV_OFFLINE), or point PYTHON_WHEEL_CACHE at a cache that has them.',
  );
}

export function wheelIndexUnreachable(layer: string, target: string, index: string, missing: readonly string[], cacheDir: string): UserError<BuildErrorCode> {
  const shown = missing.slice(0, 3).join(', ') + (missing.length > 3 ? ` and ${missing.length - 3} more` : '');
  return new UserError<BuildErrorCode>(
    'WHEEL_FETCH_FAILED',
    `Layer "${layer}" (${target}): the package index cannot be reached (tried ${index}), so ${missing.length} locked wheel(s) not in the wheel cache ` +
      `(${cacheDir}) cannot be fetched: ${shown}. Set UV_DEFAULT_INDEX to a reachable index (or UV_FIND_LINKS for a folder of wheels), or fix the network; ` +
      'a build whose wheels are all in the cache needs no index.',
  );
}

export function wheelFetchFailed(explanation: string): UserError<BuildErrorCode> {
  return new UserError<BuildErrorCode>('WHEEL_FETCH_FAILED', explanation);
}

export function pythonInstallerUnknown(value: string): UserError<BuildErrorCode> {
  return new UserError<BuildErrorCode>(
    'PYTHON_INSTALLER_UNKNOWN',
    `PYTHON_INSTALLER is "${value}"; it may be "uv" (the default) or "pip". Unset it, or set one of those.`,
  );
}

export function layerLockInvalid(layer: string, why: string): UserError<BuildErrorCode> {
  return new UserError<BuildErrorCode>('LAYER_LOCK_INVALID', `Layer "${layer}": ${why}`);
}

export function layerLockStale(layer: string, lockFile: string, why: string, lockCommand: string): UserError<BuildErrorCode> {
  return new UserError<BuildErrorCode>('LAYER_LOCK_STALE', `Layer "${layer}": layers/${layer}/${lockFile} ${why}. Run \`${lockCommand}\` and commit the lock.`);
}

export function layerLinkedFolder(layer: string, target: string): UserError<BuildErrorCode> {
  return new UserError<BuildErrorCode>(
    'LAYER_LINKED_FOLDER',
    `Layer "${layer}" depends on the folder file:${target}; npm links folders instead of copying them, so the layer would not contain it. ` +
      'Pack it (`npm pack`) and depend on the .tgz instead.',
  );
}

export function layerIncomplete(layer: string, missing: readonly string[], architecture: string): UserError<BuildErrorCode> {
  return new UserError<BuildErrorCode>(
    'LAYER_INCOMPLETE',
    `Layer "${layer}": npm ci finished but ${missing.join(', ')} is not in the tree for linux/${architecture}. Check that the package supports that platform.`,
  );
}

export function treePathUnsupported(tree: string, relative: string): UserError<BuildErrorCode> {
  return new UserError<BuildErrorCode>(
    'TREE_PATH_UNSUPPORTED',
    `The built tree ${tree} holds a file named ${JSON.stringify(relative)}; names with newlines or backslashes do not survive a zip on every platform. ` +
      'Remove the package that ships it.',
  );
}

export function treeSymlinkOutside(tree: string, relative: string, target: string): UserError<BuildErrorCode> {
  return new UserError<BuildErrorCode>(
    'TREE_SYMLINK_OUTSIDE',
    `${relative} in ${tree} is a symlink to ${target}, outside the tree; the zip would depend on the build machine. Remove the link or vendor the file.`,
  );
}

export function bundleFailed(what: string): UserError<BuildErrorCode> {
  return new UserError<BuildErrorCode>('BUNDLE_FAILED', what);
}
