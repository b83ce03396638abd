import * as fs from 'node:fs';
import { parseArgs, ParseArgsConfig } from 'node:util';
import { Output } from './output';
import { usage } from '../project/errors';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

export interface CommandContext {
  readonly env: NodeJS.ProcessEnv;
  /** Progress and messages for people (stderr). */
  readonly err: Output;
  /** Results (stdout): JSON with --json, otherwise text. */
  readonly out: NodeJS.WritableStream;
  /** Aborted on Ctrl-C / SIGTERM. */
  readonly signal: AbortSignal;
}

export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The --help text after the usage line. */
  readonly help: string;
  readonly usage: string;
  readonly options: OptionSpec;
  readonly allowPositionals?: boolean;
  /** Resolves to the process exit code. */
  run(values: Record<string, unknown>, positionals: string[], context: CommandContext): Promise<number>;
}

/** Options every command accepts. */
export const COMMON_OPTIONS: OptionSpec = {
  help: { type: 'boolean', short: 'h' },
  'no-color': { type: 'boolean' },
};

export function parseCommandArgs(
  command: Command,
  argv: string[],
): { values: Record<string, unknown>; positionals: string[] } {
  try {
    const parsed = parseArgs({
      args: argv,
      options: { ...COMMON_OPTIONS, ...command.options },
      allowPositionals: command.allowPositionals ?? false,
      strict: true,
    });
    return { values: parsed.values as Record<string, unknown>, positionals: parsed.positionals };
  } catch (error) {
    throw usage(`${(error as Error).message}.`, command.name);
  }
}

export function writeJson(stream: NodeJS.WritableStream, value: unknown): void {
  stream.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Appends Markdown to the job summary when running in GitHub Actions (GITHUB_STEP_SUMMARY); nothing elsewhere. */
export function appendJobSummary(env: NodeJS.ProcessEnv, markdown: string): void {
  if (env['GITHUB_STEP_SUMMARY']) fs.appendFileSync(env['GITHUB_STEP_SUMMARY'], `${markdown}\n`);
}
