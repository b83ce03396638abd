/**
 * The base of the errors a user can fix; each folder makes its own (its errors.ts), with its own codes, and
 * cli/error-codes.ts assembles the union. Errors a user can fix. The CLI prints their message without a stack trace;
 * every message says what went wrong and what to do about it.
 */

export class UserError<C extends string = string> extends Error {
  public readonly code: C;

  constructor(code: C, message: string) {
    super(message);
    this.name = 'UserError';
    this.code = code;
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof Error && error.name === 'UserError' && typeof (error as UserError).code === 'string';
}

/** The codes of the errors made here: the project's paths and the command line. */
export const PROJECT_ERROR_CODES = ['OUTDIR_OUTSIDE_PROJECT', 'BUILD_DIR_OUTSIDE_PROJECT', 'USAGE'] as const;
export type ProjectErrorCode = (typeof PROJECT_ERROR_CODES)[number];

export function outdirOutsideProject(outdir: string): UserError<ProjectErrorCode> {
  return new UserError(
    'OUTDIR_OUTSIDE_PROJECT',
    `The cdktf output folder "${outdir}" is outside the project. Synthesised stacks reference the ` +
      'built layers by relative path so that a plan is the same on every machine; keep the output ' +
      'folder inside the project (the default is cdktf.out).',
  );
}

export function buildDirOutsideProject(buildDir: string): UserError<ProjectErrorCode> {
  return new UserError(
    'BUILD_DIR_OUTSIDE_PROJECT',
    `The build folder "${buildDir}" is outside the project, so synthesised stacks could not reference ` +
      'it by a machine-independent relative path. Synthesise from a build folder inside the project ' +
      '(the default is .build).',
  );
}

/** Where a command's options are explained: the end of every USAGE error's message, a family's commands' too. */
export function seeHelp(command?: string): string {
  return `See ${command ? `npm run ${command} -- --help` : 'the --help of the command'}.`;
}

/** A USAGE error: what is wrong with the command line, then where its options are explained. */
function usage(sentence: string, command?: string): UserError<ProjectErrorCode> {
  return new UserError('USAGE', `${sentence} ${seeHelp(command)}`);
}

/* The command line's errors: each made from the values it names, so no caller writes a message. */

/** What Node's argument parser said about the command line (an unknown option, a missing value). */
export function argumentsInvalid(parserSays: string, command: string): UserError<ProjectErrorCode> {
  return usage(`${parserSays}.`, command);
}

/** "--canary takes a percentage from 1 to 50, got "70"." */
export function optionValueInvalid(option: string, takes: string, got: unknown, command: string): UserError<ProjectErrorCode> {
  return usage(`${option} takes ${takes}, got ${JSON.stringify(got)}.`, command);
}

/** "--plan-only and --apply-saved do not go together; give one." */
export function optionsExclusive(options: readonly string[], command: string, why = 'do not go together'): UserError<ProjectErrorCode> {
  return usage(`${options.join(' and ')} ${why}; give one.`, command);
}

/** "--canary <percent> and --watch <duration> go together." */
export function optionsTogether(options: readonly string[], command: string): UserError<ProjectErrorCode> {
  return usage(`${options.join(' and ')} go together.`, command);
}

/** "Give either --to <serial> or --steps <n>." */
export function eitherOption(options: readonly string[], command: string): UserError<ProjectErrorCode> {
  return usage(`Give either ${options.join(' or ')}.`, command);
}

/** "--target replaces --to and --steps; give one of them." */
export function optionReplaces(option: string, replaced: readonly string[], command: string): UserError<ProjectErrorCode> {
  return usage(`${option} replaces ${replaced.join(' and ')}; give one of them.`, command);
}

/** What the command needs and was not given: "Name at least one plan JSON file.", "Say how many versions to keep with --keep <n> (a whole number)." */
export function argumentMissing(ask: 'Name' | 'Give' | 'Say', what: string, command: string, got?: string): UserError<ProjectErrorCode> {
  return usage(`${ask} ${what}${got === undefined ? '' : `, not ${JSON.stringify(got)}`}.`, command);
}

/** "Name a stack: api-dev, api-staging, api-prod." */
export function stackNotNamed(stacks: readonly string[], command: string): UserError<ProjectErrorCode> {
  return usage(`Name a stack: ${stacks.join(', ')}.`, command);
}

/** "There is no stack "api-qa"; stacks are api-dev, api-staging, api-prod." */
export function noSuch(kind: string, given: string, known: readonly string[], command: string, hint?: string): UserError<ProjectErrorCode> {
  return usage(`There is no ${kind} ${JSON.stringify(given)}; ${kind}s are ${known.join(', ')}.${hint ? ` ${hint}` : ''}`, command);
}

/** A file an option names that cannot be read: "--event-file names /x, which cannot be read (no such file)." */
export function optionFileUnreadable(option: string, file: string, error: unknown, command: string): UserError<ProjectErrorCode> {
  return usage(`${option} names ${file}, which cannot be read (${errorReason(error)}).`, command);
}

/** "No built layer is called "x"; built: dependencies/nodejs-x86_64." */
export function builtLayerUnknown(wanted: string, built: readonly string[], command: string): UserError<ProjectErrorCode> {
  return usage(`No built layer is called ${JSON.stringify(wanted)}; built: ${built.join(', ')}.`, command);
}

/** An option that names one of something given with several: "--stack names one plan; give one file with it." */
export function optionNamesOne(option: string, what: string, given: string, command: string): UserError<ProjectErrorCode> {
  return usage(`${option} names one ${what}; give one ${given} with it.`, command);
}

/** A port that is not one. */
export function portInvalid(raw: string, command: string): UserError<ProjectErrorCode> {
  return usage(`The port ${JSON.stringify(raw)} is not a port number (0-65535; 0 picks a free one).`, command);
}

/** What went wrong inside an error some library threw, for a factory's message. */
export function errorReason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
