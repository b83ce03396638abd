import { parseArgs, ParseArgsConfig } from 'node:util';
import { Output } from './output';
import { argumentsInvalid } from '../project/errors';
import type { ProjectContext } from '../use-cases/context';

/** One option: how it is parsed and the line --help shows for it, declared together so they cannot drift apart. */
export type OptionDoc =
  | { readonly type: 'boolean'; readonly short?: string; readonly value?: never; /** One line for --help. */ readonly describe: string }
  | {
      readonly type: 'string';
      readonly short?: string;
      /** The value's placeholder in --help, e.g. `<dir>`. */
      readonly value: string;
      /** One line for --help. */
      readonly describe: string;
      /** The option may be given more than once; its value is then a list. */
      readonly multiple?: boolean;
    };

export type OptionDocs = Readonly<Record<string, OptionDoc>>;

export interface CommandContext {
  /** The project the command works on, made once by the CLI: its folder, its families, its configuration. */
  readonly project: ProjectContext;
  /** The variables the command runs under (the project's). */
  readonly env: NodeJS.ProcessEnv;
  /** Progress and messages for people (stderr). */
  readonly err: Output;
  /** Results (stdout): JSON with --json, otherwise text. */
  readonly out: NodeJS.WritableStream;
  /** Aborted on Ctrl-C / SIGTERM. */
  readonly signal: AbortSignal;
}

/** A command as the command list knows it: its name and one line, and how to load the rest. */
export interface CommandEntry {
  readonly name: string;
  /** One line for the command list, and the first of its --help. */
  readonly summary: string;
  load(): Command;
}

/** What a command does: its options and help (declared together), and its run, which parses, calls one use case and prints. */
export interface Command {
  /** The --help prose between the summary and the options (the options block is made from `options`). */
  readonly help: string;
  readonly usage: string;
  readonly options: OptionDocs;
  readonly allowPositionals?: boolean;
  /** The process exit code (or a promise of it, for a command that waits). */
  run(values: Record<string, unknown>, positionals: string[], context: CommandContext): number | Promise<number>;
}

/** Options every command accepts, listed last in its --help. */
export const COMMON_OPTIONS: OptionDocs = {
  'no-color': { type: 'boolean', describe: 'no colour (NO_COLOR is honoured too)' },
  help: { type: 'boolean', short: 'h', describe: 'this help' },
};

function allOptions(command: Command): OptionDocs {
  return { ...command.options, ...COMMON_OPTIONS };
}

/** The whole --help text of a command: usage, summary, its prose, then every option in one aligned column. */
export function helpText(entry: Pick<CommandEntry, 'summary'>, command: Command): string {
  const rows = Object.entries(allOptions(command)).map(([name, option]) => [
    `${option.short ? `-${option.short}, ` : ''}--${name}${option.value ? ` ${option.value}` : ''}`,
    option.describe,
  ]);
  const width = Math.max(...rows.map(([flag]) => flag.length));
  const options = rows.map(([flag, describe]) => `  ${flag.padEnd(width)}  ${describe}`);
  return [`Usage: ${command.usage}`, '', `${entry.summary}.`, '', command.help, '', 'Options:', ...options].join('\n');
}

function parseArgsOptions(options: OptionDocs): NonNullable<ParseArgsConfig['options']> {
  return Object.fromEntries(
    Object.entries(options).map(([name, option]) => [
      name,
      { type: option.type, ...(option.short ? { short: option.short } : {}), ...(option.type === 'string' && option.multiple ? { multiple: true } : {}) },
    ]),
  );
}

export function parseCommandArgs(name: string, command: Command, argv: string[]): { values: Record<string, unknown>; positionals: string[] } {
  try {
    const parsed = parseArgs({
      args: argv,
      options: parseArgsOptions(allOptions(command)),
      allowPositionals: command.allowPositionals ?? false,
      strict: true,
    });
    return { values: parsed.values, positionals: parsed.positionals };
  } catch (error) {
    throw argumentsInvalid((error as Error).message, name);
  }
}

export function writeJson(stream: NodeJS.WritableStream, value: unknown): void {
  stream.write(`${JSON.stringify(value, null, 2)}\n`);
}
