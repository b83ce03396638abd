/** Every error code the project uses: one per kind of problem a user can fix. */
export type ErrorCode =
  | 'ARTIFACT_NOT_BUILT'
  | 'BUILD_DIR_OUTSIDE_PROJECT'
  | 'BUILD_LOCKED'
  | 'BUILT_TREE_MODIFIED'
  | 'BUNDLE_FAILED'
  | 'BUNDLE_STALE'
  | 'CI_NOT_CONFIGURED'
  | 'CONFIG_INVALID'
  | 'CONSTRUCT_PROPS_INVALID'
  | 'CONTEXT_INVALID'
  | 'DEPLOY_NEEDS_APPROVAL'
  | 'HISTORY_EMPTY'
  | 'IMPORT_NOT_PROVIDED'
  | 'LAMBDA_LIMITS'
  | 'LAYER_INCOMPLETE'
  | 'LAYER_INSTALL_FAILED'
  | 'LAYER_LINKED_FOLDER'
  | 'LAYER_LOCK_FAILED'
  | 'LAYER_LOCK_INVALID'
  | 'LAYER_LOCK_STALE'
  | 'LAYER_SOURCE_INVALID'
  | 'LAYER_STALE'
  | 'MANAGED_LAYER_UNKNOWN'
  | 'MANIFEST_MISSING'
  | 'MANIFEST_UNREADABLE'
  | 'NODE_RUNTIME_MISSING'
  | 'NOT_DEPLOY_BRANCH'
  | 'NPM_NOT_FOUND'
  | 'OUTDIR_OUTSIDE_PROJECT'
  | 'PIN_INVALID'
  | 'PLAN_INVALID'
  | 'PLAN_MISSING'
  | 'PLAN_NOT_JSON'
  | 'PORT_IN_USE'
  | 'PROBE_VERSION_UNKNOWN'
  | 'PROMOTE_FAILED'
  | 'PROMOTE_PLAN_MISSING'
  | 'PROMOTE_REFUSED'
  | 'PRUNE_STATE_UNREADABLE'
  | 'PYTHON_NOT_FOUND'
  | 'PYTHON_RUNTIME_MISSING'
  | 'PYTHON_SYNTAX'
  | 'ROLLBACK_CODE_GONE'
  | 'ROLLBACK_CODE_NOT_KEPT'
  | 'ROLLBACK_LAYERS_LACK_PACKAGES'
  | 'ROLLBACK_LAYER_GONE'
  | 'ROLLBACK_NO_FUNCTION'
  | 'ROLLBACK_TARGET_CURRENT'
  | 'ROLLBACK_TARGET_UNKNOWN'
  | 'ROLLOUT_RECORD_MISSING'
  | 'SANDBOX_NOT_ISOLATED'
  | 'STACK_NOT_SYNTHESISED'
  | 'STATE_BUCKET_MISSING'
  | 'STATE_BUCKET_UNREADABLE'
  | 'STATE_MISSING'
  | 'STATE_UNREADABLE'
  | 'STATE_VERSIONING_OFF'
  | 'SYNTH_FAILED'
  | 'TERRAFORM_FAILED'
  | 'TERRAFORM_NOT_FOUND'
  | 'TOOLCHAIN_INSTALL_FAILED'
  | 'TOOLCHAIN_LOCK_STALE'
  | 'TOOLCHAIN_PYTHON_MISSING'
  | 'TREE_PATH_UNSUPPORTED'
  | 'TREE_SYMLINK_OUTSIDE'
  | 'USAGE'
  | 'VERSION_NOT_RETAINED'
  | 'WHEEL_FETCH_FAILED'
  | 'WHEELS_NOT_CACHED'
  | 'PYTHON_INSTALLER_UNKNOWN';

/**
 * Errors a user can fix. The CLI prints their message without a stack trace;
 * every message says what went wrong and what to do about it.
 */
export class UserError extends Error {
  public readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.name = 'UserError';
    this.code = code;
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof Error && error.name === 'UserError' && typeof (error as UserError).code === 'string';
}

/** Every configuration problem at once; `whereSettingsLive` tells where to change them (and which document explains them). */
export function configInvalid(problems: readonly string[], whereSettingsLive: string): UserError {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return new UserError(
    'CONFIG_INVALID',
    `Invalid configuration (${count}); nothing was built or synthesised:\n` + problems.map((problem) => `  - ${problem}`).join('\n') + `\n${whereSettingsLive}`,
  );
}

export function manifestMissing(manifestPath: string): UserError {
  return new UserError(
    'MANIFEST_MISSING',
    `No build manifest at ${manifestPath}. Run \`npm run build\` first ` + '(`npm run synth` and `npm start` run it for you).',
  );
}

export function manifestUnreadable(manifestPath: string, reason: string): UserError {
  return new UserError('MANIFEST_UNREADABLE', `The build manifest ${manifestPath} cannot be read (${reason}). Delete it and run \`npm run build\`.`);
}

export function artifactNotBuilt(what: string, manifestPath: string): UserError {
  return new UserError(
    'ARTIFACT_NOT_BUILT',
    `${what} is not in the build manifest ${manifestPath}. Run \`npm run build\`; ` + 'it builds every layer and bundle that the configuration uses.',
  );
}

export function layerSourceChanged(layer: string, detail: string): UserError {
  return new UserError(
    'LAYER_STALE',
    `Layer "${layer}" changed since it was built (${detail}), so its tree would not match its sources. ` + 'Run `npm run build` again.',
  );
}

export function bundleSourcesChanged(bundle: string, files: readonly string[]): UserError {
  return new UserError('BUNDLE_STALE', `The function sources changed since bundle ${bundle} was built (${files.join(', ')}). Run \`npm run build\` again.`);
}

export function builtTreeModified(what: string, detail: string): UserError {
  return new UserError(
    'BUILT_TREE_MODIFIED',
    `The built tree of ${what} was modified after the build (${detail}). ` + 'Run `npm run build`; it rebuilds trees that no longer match their manifest.',
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

/* ---- Every other error a user can fix, one factory each, grouped by where it happens. ---- */

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

// Configuration and the CI settings.

export function contextEnvInvalid(error: unknown): UserError {
  return new UserError('CONTEXT_INVALID', `CDKTF_CONTEXT_JSON is not valid JSON (${reason(error)}).`);
}

export function cdktfJsonInvalid(error: unknown): UserError {
  return new UserError('CONTEXT_INVALID', `cdktf.json is not valid JSON (${reason(error)}); fix the file.`);
}

export function ciNotConfigured(example: string): UserError {
  return new UserError(
    'CI_NOT_CONFIGURED',
    `cdktf.json has no "ci" context. After the bootstrap, put its outputs there: ${example}, and "stateBucket": "<state_bucket>" (docs/security.md, First-time setup).`,
  );
}

export function notDeployBranch(ref: string, deployBranch: string): UserError {
  return new UserError(
    'NOT_DEPLOY_BRANCH',
    `This job changes an environment, and runs only from the deploy branch (refs/heads/${deployBranch}, cdktf context "deployBranch"), not from ${JSON.stringify(ref)}. ` +
      `Run the workflow from ${deployBranch}: merge the change first. The deploy roles trust no other ref either.`,
  );
}

export function managedLayerUnknown(language: 'Python' | 'TypeScript', region: string, partition: string): UserError {
  return new UserError(
    'MANAGED_LAYER_UNKNOWN',
    `No Powertools for AWS Lambda ${language} layer is known for region ${region} (partition ${partition}); use the "single" or "split" strategy there.`,
  );
}

// The build: tools, trees, layers, bundles.

export function buildLocked(holder: number, lockFile: string): UserError {
  return new UserError('BUILD_LOCKED', `Another build (pid ${holder}) has held ${lockFile} for too long; stop it or delete the file.`);
}

export function npmNotFound(): UserError {
  return new UserError(
    'NPM_NOT_FOUND',
    'Cannot find npm (looked at npm_execpath, beside the running Node and on PATH). Install Node.js with npm, or run the build through `npm run build`.',
  );
}

export function pythonForImportsNotFound(folder: string, python: string, failure: string | undefined, pythonVersion: string): UserError {
  return new UserError(
    'PYTHON_NOT_FOUND',
    `Reading the imports of ${folder} needs a Python interpreter, and ${python} ${failure === undefined ? 'was not found' : `failed: ${failure}`}. ` +
      `Install Python ${pythonVersion} (or any Python 3), or set PYTHON${pythonVersion.replace('.', '_')} or PYTHON.`,
  );
}

export function pythonSyntax(file: string, error: string): UserError {
  return new UserError('PYTHON_SYNTAX', `${file}: ${error}. The function cannot be imported on Lambda (Runtime.UserCodeSyntaxError); fix the file.`);
}

/** A package manager failed; `explanation` is the builder's reading of its output (what failed, and what to do). */
export function toolchainPythonMissing(versions: readonly string[]): UserError {
  return new UserError(
    'TOOLCHAIN_PYTHON_MISSING',
    `The project's Python toolchain (uv, pip, pip-audit, moto, boto3) is made from an interpreter of this machine, and there is none of Python ${versions.join(', ')} ` +
      '(looked at PYTHON3_X, pythonX.Y on PATH, pyenv and /usr). Install one (`pyenv install 3.12`, or Debian: apt-get install python3.12 python3.12-venv), ' +
      'or set PYTHON to a Python 3.10 or later. Node.js environments do not need it.',
  );
}

export function toolchainInstallFailed(command: string, output: string, missing: boolean): UserError {
  const lastLines = output.trim().split('\n').slice(-8).join('\n');
  const hint = /No module named venv|ensurepip is not available/.test(output)
    ? ' The interpreter has no venv module: install it (Debian: apt-get install python3-venv, or python3.X-venv).'
    : /Could not fetch URL|NewConnectionError|Name or service not known|Temporary failure in name resolution|ProxyError|Max retries exceeded/.test(output)
      ? ' pip could not reach the package index: set PIP_INDEX_URL (or pip.conf) to a reachable index, or fix the network.'
      : /THESE PACKAGES DO NOT MATCH THE HASHES/.test(output)
        ? ' A download does not match the hash in the lock: check the index (a mirror serving other files), or refresh the lock with `npm run toolchain -- --lock`.'
        : '';
  return new UserError(
    'TOOLCHAIN_INSTALL_FAILED',
    `Installing the project's Python toolchain failed: ${missing ? 'the command was not found' : 'this command failed'}: ${command}.${hint}\n${lastLines}`,
  );
}

export function toolchainLockStale(lockFile: string, problems: readonly string[]): UserError {
  return new UserError(
    'TOOLCHAIN_LOCK_STALE',
    `${lockFile} does not match toolchain/requirements.txt (${problems.join('; ')}). Run \`npm run toolchain -- --lock\` where an index is reachable and commit the lock.`,
  );
}

export function layerInstallFailed(explanation: string): UserError {
  return new UserError('LAYER_INSTALL_FAILED', explanation);
}

export function layerLockFailed(explanation: string): UserError {
  return new UserError('LAYER_LOCK_FAILED', explanation);
}

export function wheelsNotCached(layer: string, target: string, wheels: readonly string[], cacheDir: string): UserError {
  const shown = wheels.length > 4 ? `${wheels.slice(0, 4).join(', ')} and ${wheels.length - 4} more` : wheels.join(', ');
  return new UserError(
    'WHEELS_NOT_CACHED',
    `Layer "${layer}" (${target}) is locked to wheels the wheel cache ${cacheDir} does not hold (${shown}), and UV_OFFLINE forbids downloading them. ` +
      'Build once where the index is reachable (or unset UV_OFFLINE), or point PYTHON_WHEEL_CACHE at a cache that has them.',
  );
}

export function wheelFetchFailed(explanation: string): UserError {
  return new UserError('WHEEL_FETCH_FAILED', explanation);
}

export function pythonInstallerUnknown(value: string): UserError {
  return new UserError('PYTHON_INSTALLER_UNKNOWN', `PYTHON_INSTALLER is "${value}"; it may be "uv" (the default) or "pip". Unset it, or set one of those.`);
}

export function layerLockInvalid(layer: string, why: string): UserError {
  return new UserError('LAYER_LOCK_INVALID', `Layer "${layer}": ${why}`);
}

export function layerLockStale(layer: string, lockFile: string, why: string, lockCommand: string): UserError {
  return new UserError('LAYER_LOCK_STALE', `Layer "${layer}": layers/${layer}/${lockFile} ${why}. Run \`${lockCommand}\` and commit the lock.`);
}

export function layerLinkedFolder(layer: string, target: string): UserError {
  return new UserError(
    'LAYER_LINKED_FOLDER',
    `Layer "${layer}" depends on the folder file:${target}; npm links folders instead of copying them, so the layer would not contain it. ` +
      'Pack it (`npm pack`) and depend on the .tgz instead.',
  );
}

export function layerIncomplete(layer: string, missing: readonly string[], architecture: string): UserError {
  return new UserError(
    'LAYER_INCOMPLETE',
    `Layer "${layer}": npm ci finished but ${missing.join(', ')} is not in the tree for linux/${architecture}. Check that the package supports that platform.`,
  );
}

export function treePathUnsupported(tree: string, relative: string): UserError {
  return new UserError(
    'TREE_PATH_UNSUPPORTED',
    `The built tree ${tree} holds a file named ${JSON.stringify(relative)}; names with newlines or backslashes do not survive a zip on every platform. ` +
      'Remove the package that ships it.',
  );
}

export function treeSymlinkOutside(tree: string, relative: string, target: string): UserError {
  return new UserError(
    'TREE_SYMLINK_OUTSIDE',
    `${relative} in ${tree} is a symlink to ${target}, outside the tree; the zip would depend on the build machine. Remove the link or vendor the file.`,
  );
}

export function bundleFailed(what: string): UserError {
  return new UserError('BUNDLE_FAILED', what);
}

// The deployment rules.

export function deploymentRefused(refused: boolean, findings: readonly { readonly rule: string; readonly message: string }[]): UserError {
  const count = findings.length === 1 ? '1 problem' : `${findings.length} problems`;
  return new UserError(
    refused ? 'LAMBDA_LIMITS' : 'IMPORT_NOT_PROVIDED',
    `${refused ? `Lambda would refuse this deployment (${count})` : `The function would fail on Lambda (${count})`}; nothing was deployed:\n` +
      findings.map((finding) => `  - [${finding.rule}] ${finding.message}`).join('\n'),
  );
}

// The local run.

export function sandboxNotIsolated(parent: string, leak: string): UserError {
  return new UserError(
    'SANDBOX_NOT_ISOLATED',
    `The temp folder ${parent} has a node_modules folder in ${leak}, so the local function could load packages that its layers lack. ` +
      'Point TMPDIR at a folder with no node_modules above it (for example /tmp).',
  );
}

export function pythonRuntimeMissing(version: string, runtime: string, why: string): UserError {
  return new UserError('PYTHON_RUNTIME_MISSING', `The local run needs Python ${version} (the ${runtime} runtime) to run the function, and there is ${why}.`);
}

export function nodeRuntimeMissing(major: number, runtime: string, cpu: string, hostVersion: string): UserError {
  return new UserError(
    'NODE_RUNTIME_MISSING',
    `The local run needs Node.js ${major} (the ${runtime} runtime), but runtimes/node_modules/node${major}-linux-${cpu} is not installed and this Node is ${hostVersion}. ` +
      `Run \`npm ci\` (its postinstall installs runtimes/), or \`npm ci --prefix runtimes\`; on macOS or Windows run \`npm start\` with Node.js ${major}.`,
  );
}

export function portInUse(port: number): UserError {
  return new UserError('PORT_IN_USE', `Port ${port} is in use. Stop what uses it, or choose another with --port or PORT.`);
}

// Synth, plans and Terraform.

export function synthFailed(): UserError {
  return new UserError('SYNTH_FAILED', 'Synthesis failed; the message above names the problem.');
}

export function stackNotSynthesised(stackFile: string): UserError {
  return new UserError('STACK_NOT_SYNTHESISED', `${stackFile} does not exist; run npm run synth (or leave out --skip-build).`);
}

export function terraformNotFound(binary: string): UserError {
  return new UserError(
    'TERRAFORM_NOT_FOUND',
    `Terraform was not found ("${binary}"). Install Terraform 1.11 (docs/deploying.md), or set TERRAFORM to its path.`,
  );
}

export function terraformFailed(what: string, exitCode: number, outputAbove = true): UserError {
  return new UserError('TERRAFORM_FAILED', `terraform ${what} failed (exit ${exitCode})${outputAbove ? '; its output is above' : ''}.`);
}

export function planMissing(file: string): UserError {
  return new UserError('PLAN_MISSING', `Cannot read ${file}. Make it with \`terraform show -json plan.tfplan > ${file}\`.`);
}

export function planNotJson(source: string, error: unknown): UserError {
  return new UserError('PLAN_NOT_JSON', `${source} is not JSON (${reason(error)}). Make it with \`terraform show -json plan.tfplan > plan.json\`.`);
}

export function planInvalid(source: string, what: 'state' | 'other' | 'changes'): UserError {
  if (what === 'changes') return new UserError('PLAN_INVALID', `${source} has resource_changes that is not a list; it is not a plan Terraform wrote.`);
  return new UserError(
    'PLAN_INVALID',
    `${source} is ${what === 'state' ? 'a Terraform state, not a plan' : 'not a Terraform plan (no format_version and planned_values)'}. ` +
      'Make it with `terraform plan -out=plan.tfplan` and `terraform show -json plan.tfplan > plan.json`.',
  );
}

// Deploys, rollouts and promotion.

export function deployNeedsApproval(): UserError {
  return new UserError('DEPLOY_NEEDS_APPROVAL', 'The plan above needs an approval, and this is not a terminal: run with --auto-approve to apply it.');
}

export function rolloutRecordMissing(file: string): UserError {
  return new UserError(
    'ROLLOUT_RECORD_MISSING',
    `${file} is missing: the saved plan must come from \`npm run deploy -- <stack> --plan-only\`, which writes it beside the plan.`,
  );
}

export function probeVersionUnknown(stack: string, output: string): UserError {
  return new UserError('PROBE_VERSION_UNKNOWN', `The state of ${stack} has no output ${output}; name the version with --version.`);
}

export function probeVersionsUnreadable(functionName: string, reason: string): UserError {
  return new UserError(
    'PROBE_VERSION_UNKNOWN',
    `Cannot list the published versions of ${functionName} (${reason}). Check --function (and AWS_ENDPOINT_URL_LAMBDA for the local run), or name the version with --version.`,
  );
}

export function noPublishedVersion(functionName: string): UserError {
  return new UserError(
    'PROBE_VERSION_UNKNOWN',
    `${functionName} has no published version yet (only $LATEST); name one with --version, e.g. --version '$LATEST'.`,
  );
}

export function versionNotRetained(functionName: string, version: string, versions: readonly string[]): UserError {
  return new UserError('VERSION_NOT_RETAINED', `${functionName} has no version ${version}; its published versions are ${versions.join(', ') || 'none'}.`);
}

export function promoteFailed(live: string | undefined, why: string): UserError {
  return new UserError('PROMOTE_FAILED', `live stays on version ${live ?? '(none)'}: ${why}`);
}

export function promoteRefused(live: string | undefined, why: string, answers: readonly { route: string; answer: string }[]): UserError {
  return new UserError(
    'PROMOTE_REFUSED',
    `live stays on version ${live ?? '(none)'}: ${why}.\n` +
      answers.map((answer) => `  the probe's answer to ${answer.route}: ${answer.answer || '(none)'}`).join('\n'),
  );
}

export function promotePlanMissing(file: string): UserError {
  return new UserError(
    'PROMOTE_PLAN_MISSING',
    `There is no saved promotion here (${file}); the plan job makes it: npm run promote -- <stack> --to <version> --plan-only.`,
  );
}

// State, history, rollback and prune.

export function stateBucketMissing(bucket: string): UserError {
  return new UserError('STATE_BUCKET_MISSING', `The state bucket ${bucket} does not exist; check STATE_BUCKET or stateBucket in cdktf.json.`);
}

export function stateBucketUnreadable(bucket: string, name: string, message: string): UserError {
  return new UserError('STATE_BUCKET_UNREADABLE', `Cannot read the state bucket ${bucket} (${name}: ${message}). Check the credentials and AWS_REGION.`);
}

export function stateVersioningOff(bucket: string, status: string | undefined): UserError {
  return new UserError(
    'STATE_VERSIONING_OFF',
    `History needs versioning on the state bucket ${bucket}, and it is ${status ? status.toLowerCase() : 'off'}: without it every deploy overwrites the last. ` +
      `Turn it on with \`aws s3api put-bucket-versioning --bucket ${bucket} --versioning-configuration Status=Enabled\` ` +
      '(the bootstrap stack does); history starts from the next deploy.',
  );
}

export function stateMissing(bucket: string, key: string): UserError {
  return new UserError('STATE_MISSING', `There is no state at s3://${bucket}/${key}: the stack has not been deployed (or STATE_BUCKET points elsewhere).`);
}

export function stateUnreadable(bucket: string, key: string, why: string): UserError {
  return new UserError('STATE_UNREADABLE', `Cannot read s3://${bucket}/${key} (${why}).`);
}

export function historyEmpty(stack = 'The stack'): UserError {
  return new UserError('HISTORY_EMPTY', `${stack} has no deployment in its state history yet; there is nothing to roll back to.`);
}

export function rollbackTargetUnknown(message: string): UserError {
  return new UserError('ROLLBACK_TARGET_UNKNOWN', message);
}

export function rollbackTargetCurrent(serial: number, serials: string): UserError {
  return new UserError('ROLLBACK_TARGET_CURRENT', `Serial ${serial} is the current deployment; choose an earlier one (serials ${serials}).`);
}

export function rollbackNoFunction(serial: number): UserError {
  return new UserError('ROLLBACK_NO_FUNCTION', `Serial ${serial} has no function in its state; it cannot be rolled back to.`);
}

export function rollbackCodeNotKept(serial: number): UserError {
  return new UserError(
    'ROLLBACK_CODE_NOT_KEPT',
    `The function code of serial ${serial} was uploaded directly, so no copy of it is kept and it cannot be restored. ` +
      'To put back only its layers and keep the current code, add --layers-only. ' +
      'For next time, set an artifact bucket (artifactBucket in cdktf.json, or ARTIFACT_BUCKET): every deploy then keeps its bundle there as an object version.',
  );
}

export function rollbackLayerGone(arn: string, serial: number, stack: string): UserError {
  return new UserError(
    'ROLLBACK_LAYER_GONE',
    `Layer version ${arn} of serial ${serial} no longer exists (pruned or deleted), so that deployment cannot be restored. Choose a later serial (npm run history -- ${stack}).`,
  );
}

export function rollbackCodeGone(serial: number, location: string): UserError {
  return new UserError(
    'ROLLBACK_CODE_GONE',
    `The function code of serial ${serial} (${location}) is no longer in the artifact bucket; choose a later serial, or add --layers-only to put back its layers alone.`,
  );
}

export function rollbackLayersLackPackages(stack: string, missing: readonly string[], serial: number, runtime: string): UserError {
  return new UserError(
    'ROLLBACK_LAYERS_LACK_PACKAGES',
    `The current code of ${stack} needs ${missing.join(', ')} from outside its bundle, and neither the ${runtime} runtime nor the layers of serial ${serial} provide ${missing.length > 1 ? 'them' : 'it'}: ` +
      "a layers-only rollback would deploy code that cannot import its packages (the seed's incident). Roll back layers and code (leave out --layers-only), or choose another serial.",
  );
}

export function pinInvalid(file: string, error: unknown): UserError {
  return new UserError('PIN_INVALID', `The rollback pin ${file} is not readable (${reason(error)}); delete it or run the rollback again.`);
}

export function pruneStateUnreadable(count: number, location: string, listed: string): UserError {
  return new UserError(
    'PRUNE_STATE_UNREADABLE',
    `${count} retained state version(s) of ${location} could not be read, and a layer version only they reference would look unused, so nothing is pruned: ${listed}. ` +
      'Restore or delete those state versions (aws s3api delete-object --version-id ...), then prune again.',
  );
}

// Constructs, validating their props before they create anything.

export function constructPropsInvalid(path: string, problems: readonly string[]): UserError {
  return new UserError('CONSTRUCT_PROPS_INVALID', `${path}: ${problems.join('; ')}.`);
}
