import { UserError } from '../project/errors';

/** The build: tools, trees, layers, bundles: the errors a user can fix, one factory each, each message made from the values it names. */

export const BUILD_ERROR_CODES = [
  'BUILD_LOCKED',
  'BUILT_TREE_MODIFIED',
  'BUNDLE_FAILED',
  'BUNDLE_STALE',
  'LAYER_INCOMPLETE',
  'LAYER_INSTALL_FAILED',
  'LAYER_SOURCE_INVALID',
  'LAYER_STALE',
  'TREE_PATH_UNSUPPORTED',
  'TREE_SYMLINK_OUTSIDE',
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

export function layerInstallFailed(explanation: string): UserError<BuildErrorCode> {
  return new UserError<BuildErrorCode>('LAYER_INSTALL_FAILED', explanation);
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
