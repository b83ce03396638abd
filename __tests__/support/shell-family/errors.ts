import { UserError } from '../../../project/errors';

/** The codes of the errors the shell family makes: assembled with every folder's by cli/error-codes.ts, as a real family's are. */
export const SHELL_ERROR_CODES = ['SHELLFILE_INVALID', 'BASH_NOT_FOUND'] as const;
export type ShellErrorCode = (typeof SHELL_ERROR_CODES)[number];

export function shellfileInvalid(folder: string, problem: string): UserError<ShellErrorCode> {
  return new UserError<ShellErrorCode>(
    'SHELLFILE_INVALID',
    `${folder}/Shellfile: ${problem} Each line is "<name> <version>", vendored under vendor/<name>-<version>/<name>.sh.`,
  );
}

export function bashNotFound(searched: string): UserError<ShellErrorCode> {
  return new UserError<ShellErrorCode>(
    'BASH_NOT_FOUND',
    `No bash on PATH (${searched}); the shell family's functions run on bash. Install it (apt install bash).`,
  );
}
