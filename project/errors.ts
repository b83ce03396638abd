/**
 * Errors a user can fix. The CLI prints their message without a stack trace;
 * every message says what went wrong and what to do about it.
 */
export class UserError extends Error {
  public readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'UserError';
    this.code = code;
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof Error && error.name === 'UserError' && typeof (error as UserError).code === 'string';
}

export function configInvalid(problems: readonly string[]): UserError {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return new UserError(
    'CONFIG_INVALID',
    `Invalid configuration (${count}); nothing was built or synthesised:\n` +
      problems.map((problem) => `  - ${problem}`).join('\n') +
      '\nSettings live in config/environments.ts (defaults), the "context" of cdktf.json, and the ' +
      'environment variables PROJECT_NAME, AWS_REGION and STATE_BUCKET. See README "Configuration".',
  );
}

export function manifestMissing(manifestPath: string): UserError {
  return new UserError(
    'MANIFEST_MISSING',
    `No build manifest at ${manifestPath}. Run \`npm run build\` first ` +
      '(`npm run synth` and `npm start` run it for you).',
  );
}

export function manifestUnreadable(manifestPath: string, reason: string): UserError {
  return new UserError(
    'MANIFEST_UNREADABLE',
    `The build manifest ${manifestPath} cannot be read (${reason}). Delete it and run \`npm run build\`.`,
  );
}

export function artifactNotBuilt(what: string, manifestPath: string): UserError {
  return new UserError(
    'ARTIFACT_NOT_BUILT',
    `${what} is not in the build manifest ${manifestPath}. Run \`npm run build\`; ` +
      'it builds every layer and bundle that the configuration uses.',
  );
}

export function layerSourceChanged(layer: string, detail: string): UserError {
  return new UserError(
    'LAYER_STALE',
    `Layer "${layer}" changed since it was built (${detail}), so its tree would not match its sources. ` +
      'Run `npm run build` again.',
  );
}

export function bundleSourcesChanged(bundle: string, files: readonly string[]): UserError {
  return new UserError(
    'BUNDLE_STALE',
    `The function sources changed since bundle ${bundle} was built (${files.join(', ')}). Run \`npm run build\` again.`,
  );
}

export function builtTreeModified(what: string, detail: string): UserError {
  return new UserError(
    'BUILT_TREE_MODIFIED',
    `The built tree of ${what} was modified after the build (${detail}). ` +
      'Run `npm run build`; it rebuilds trees that no longer match their manifest.',
  );
}

export function layerSourceInvalid(folder: string, problem: string): UserError {
  return new UserError('LAYER_SOURCE_INVALID', `Layer folder ${folder}: ${problem}`);
}

export function outdirOutsideProject(outdir: string): UserError {
  return new UserError(
    'OUTDIR_OUTSIDE_PROJECT',
    `The cdktf output folder "${outdir}" is outside the project. Synthesised stacks reference the ` +
      'built layers by relative path so that a plan is the same on every machine; keep the output ' +
      'folder inside the project (the default is cdktf.out).',
  );
}

export function buildDirOutsideProject(buildDir: string): UserError {
  return new UserError(
    'BUILD_DIR_OUTSIDE_PROJECT',
    `The build folder "${buildDir}" is outside the project, so synthesised stacks could not reference ` +
      'it by a machine-independent relative path. Synthesise from a build folder inside the project ' +
      '(the default is .build).',
  );
}

export function usage(message: string, command?: string): UserError {
  const help = command ? `npm run ${command} -- --help` : 'the --help of the command';
  return new UserError('USAGE', `${message} See ${help}.`);
}
