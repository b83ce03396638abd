import { UserError } from '../project/errors';

/** The local run: the errors a user can fix, one factory each, each message made from the values it names. */

export const LOCAL_RUN_ERROR_CODES = ['NODE_RUNTIME_MISSING', 'PORT_IN_USE', 'PYTHON_RUNTIME_MISSING', 'SANDBOX_NOT_ISOLATED'] as const;
export type LocalRunErrorCode = (typeof LOCAL_RUN_ERROR_CODES)[number];

export function sandboxNotIsolated(parent: string, leak: string): UserError<LocalRunErrorCode> {
  return new UserError<LocalRunErrorCode>(
    'SANDBOX_NOT_ISOLATED',
    `The temp folder ${parent} has a node_modules folder in ${leak}, so the local function could load packages that its layers lack. ` +
      'Point TMPDIR at a folder with no node_modules above it (for example /tmp).',
  );
}

export function pythonRuntimeMissing(version: string, runtime: string, why: string): UserError<LocalRunErrorCode> {
  return new UserError<LocalRunErrorCode>(
    'PYTHON_RUNTIME_MISSING',
    `The local run needs Python ${version} (the ${runtime} runtime) to run the function, and there is ${why}.`,
  );
}

export function nodeRuntimeMissing(major: number, runtime: string, cpu: string, hostVersion: string): UserError<LocalRunErrorCode> {
  return new UserError<LocalRunErrorCode>(
    'NODE_RUNTIME_MISSING',
    `The local run needs Node.js ${major} (the ${runtime} runtime), but runtimes/node_modules/node${major}-linux-${cpu} is not installed and this Node is ${hostVersion}. ` +
      `Run \`npm ci\` (its postinstall installs runtimes/), or \`npm ci --prefix runtimes\`; on macOS or Windows run \`npm start\` with Node.js ${major}.`,
  );
}

export function portInUse(port: number): UserError<LocalRunErrorCode> {
  return new UserError<LocalRunErrorCode>('PORT_IN_USE', `Port ${port} is in use. Stop what uses it, or choose another with --port or PORT.`);
}
