import { UserError } from '../project/errors';

/** The local run: the errors a user can fix, one factory each, each message made from the values it names. */

export const LOCAL_RUN_ERROR_CODES = ['PORT_IN_USE', 'SANDBOX_NOT_ISOLATED'] as const;
export type LocalRunErrorCode = (typeof LOCAL_RUN_ERROR_CODES)[number];

export function sandboxNotIsolated(parent: string, leak: string): UserError<LocalRunErrorCode> {
  return new UserError<LocalRunErrorCode>(
    'SANDBOX_NOT_ISOLATED',
    `The temp folder ${parent} has a node_modules folder in ${leak}, so the local function could load packages that its layers lack. ` +
      'Point TMPDIR at a folder with no node_modules above it (for example /tmp).',
  );
}

export function portInUse(port: number): UserError<LocalRunErrorCode> {
  return new UserError<LocalRunErrorCode>('PORT_IN_USE', `Port ${port} is in use. Stop what uses it, or choose another with --port or PORT.`);
}
