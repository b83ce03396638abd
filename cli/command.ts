import { parseArgs, ParseArgsConfig } from 'node:util';
import { Output } from './output';
import { argumentsInvalid } from '../project/errors';
import type { ProjectContext } from '../use-cases/context';
import { Command as BaseCommand, CommandContext as BaseContext, CommandEntry as BaseEntry, OptionDoc, OptionDocs, writeJson } from '../project/command';

/** A command of the CLI: what it runs with is this project context and this terminal's output. */
export type CommandContext = BaseContext<ProjectContext, Output>;
export type Command = BaseCommand<ProjectContext, Output>;
export type CommandEntry = BaseEntry<ProjectContext, Output>;
export type { OptionDoc, OptionDocs };
export { writeJson };

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
