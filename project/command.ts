import { Reporter } from './progress';

/**
 * What a command of the CLI is, for whoever contributes one: the CLI's own commands (cli/commands/) and those a runtime
 * family's plug-in brings (`npm run layers:lock`). The CLI parses, helps and dispatches (cli/command.ts, cli/main.ts);
 * the project a command works on is the CLI's context, typed by whoever declares the command.
 */

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

/** What a command runs with: the project (`P`, the context the CLI made once), its variables, where it speaks, and its stop. */
export interface CommandContext<P, R extends Reporter = Reporter> {
  /** The project the command works on, made once by the CLI: its folder, its families, its configuration. */
  readonly project: P;
  /** The variables the command runs under (the project's). */
  readonly env: NodeJS.ProcessEnv;
  /** Progress and messages for people (stderr). */
  readonly err: R;
  /** Results (stdout): JSON with --json, otherwise text. */
  readonly out: NodeJS.WritableStream;
  /** Aborted on Ctrl-C / SIGTERM. */
  readonly signal: AbortSignal;
}

/** What a command does: its options and help (declared together), and its run, which parses, calls one use case and prints. */
export interface Command<P, R extends Reporter = Reporter> {
  /** The --help prose between the summary and the options (the options block is made from `options`). */
  readonly help: string;
  readonly usage: string;
  readonly options: OptionDocs;
  readonly allowPositionals?: boolean;
  /** The process exit code (or a promise of it, for a command that waits). */
  run(values: Record<string, unknown>, positionals: string[], context: CommandContext<P, R>): number | Promise<number>;
}

/** A command as the command list knows it: its name and one line, and how to load the rest (only when it runs). */
export interface CommandEntry<P, R extends Reporter = Reporter> {
  readonly name: string;
  /** One line for the command list, and the first of its --help. */
  readonly summary: string;
  load(): Command<P, R>;
}

export function writeJson(stream: NodeJS.WritableStream, value: unknown): void {
  stream.write(`${JSON.stringify(value, null, 2)}\n`);
}
