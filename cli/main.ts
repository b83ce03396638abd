import { isUserError } from '../project/errors';
import { CommandContext, CommandEntry, helpText, parseCommandArgs } from './command';
import { createOutput } from './output';
import { PROJECT_ROOT } from '../project/paths';
import { PLUGINS } from '../family-plugins/registry';
import { PluginRegistry } from '../family-plugins/plugin';
import { projectContext } from '../use-cases/context';

/**
 * Every command, by name, with the line the command list shows. A command's module (and what it imports: the AWS
 * SDK, cdktf, the builder) is loaded only when that command runs, so `--help` and a cached build start fast.
 */
/* eslint-disable @typescript-eslint/no-require-imports -- require() here is what loads one command's module on demand (import() would not run under Jest's CommonJS) */
export const CORE_COMMANDS: readonly CommandEntry[] = [
  {
    name: 'build',
    summary: 'Build every layer tree and function bundle into .build/ and write the manifest',
    load: () => (require('./commands/build') as typeof import('./commands/build')).buildCommand,
  },
  {
    name: 'synth',
    summary: 'Build, then synthesise every environment into cdktf.out/stacks/',
    load: () => (require('./commands/synth') as typeof import('./commands/synth')).synthCommand,
  },
  {
    name: 'start',
    summary: 'Build, synthesise every environment, and serve the API locally as Lambda would',
    load: () => (require('./commands/start') as typeof import('./commands/start')).startCommand,
  },
  {
    name: 'check:layers',
    summary: 'Import every package of every built layer, alone in a Lambda-like layout',
    load: () => (require('./commands/check-layers') as typeof import('./commands/check-layers')).checkLayersCommand,
  },
  {
    name: 'doctor',
    summary: "Every import of a stack's function and what provides it, and whether its native code loads, from the build; exit code 1 when not",
    load: () => (require('./commands/doctor') as typeof import('./commands/doctor')).doctorCommand,
  },
  {
    name: 'plan',
    summary: 'Build, synthesise and plan one stack, and print the review a pull request shows (packages, imports, destructive changes)',
    load: () => (require('./commands/plan') as typeof import('./commands/plan')).planCommand,
  },
  {
    name: 'plan:summary',
    summary: 'Summarise Terraform JSON plans as Markdown: package changes in layers, import coverage, destructive changes',
    load: () => (require('./commands/plan-summary') as typeof import('./commands/plan-summary')).planSummaryCommand,
  },
  {
    name: 'check:api',
    summary: "The seed's success check against an API URL: health, list, create, list again",
    load: () => (require('./commands/check-api') as typeof import('./commands/check-api')).checkApiCommand,
  },
  {
    name: 'ci:config',
    summary: 'Print the settings the workflows need (region, state bucket, role ARNs) from cdktf.json',
    load: () => (require('./commands/ci-config') as typeof import('./commands/ci-config')).ciConfigCommand,
  },
  {
    name: 'deploy',
    summary: 'Build, publish a new version, probe it, then move live to it (or a canary); live stays on the old version on any failure',
    load: () => (require('./commands/deploy') as typeof import('./commands/deploy')).deployCommand,
  },
  {
    name: 'invoke',
    summary: "Run one function of a stack once, locally, with its trigger's event (a scheduled job's time) or the one given",
    load: () => (require('./commands/invoke') as typeof import('./commands/invoke')).invokeCommand,
  },
  {
    name: 'probe',
    summary: "Invoke one published version of a stack's function with the read-only routes; exit code 1 unless it answers well",
    load: () => (require('./commands/probe') as typeof import('./commands/probe')).probeCommand,
  },
  {
    name: 'promote',
    summary: 'Move live to a retained version that answers the probe, through Terraform: the instant rollback, no rebuild',
    load: () => (require('./commands/promote') as typeof import('./commands/promote')).promoteCommand,
  },
  {
    name: 'history',
    summary: 'Every deployment of a stack, newest first, from the versions of its state',
    load: () => (require('./commands/history') as typeof import('./commands/history')).historyCommand,
  },
  {
    name: 'rollback',
    summary: "Pin a stack to an earlier deployment's layers and code (or layers only); the usual deploy applies it",
    load: () => (require('./commands/rollback') as typeof import('./commands/rollback')).rollbackCommand,
  },
  {
    name: 'layers:consumers',
    summary: "The ledger: which function versions and aliases run each version of a stack's layers, and what each holds",
    load: () => (require('./commands/layers-consumers') as typeof import('./commands/layers-consumers')).layersConsumersCommand,
  },
  {
    name: 'layers:prune',
    summary: 'List (and with --apply delete) the layer versions the ledger calls free, beyond the newest N',
    load: () => (require('./commands/layers-prune') as typeof import('./commands/layers-prune')).layersPruneCommand,
  },
  {
    name: 'drift',
    summary: 'What each function runs against what the repository would deploy, in packages; exits 1 on drift',
    load: () => (require('./commands/drift') as typeof import('./commands/drift')).driftCommand,
  },
  {
    name: 'verify',
    summary: 'After a deploy: layers attached and complete, API answering; on failure, logs and the likely cause',
    load: () => (require('./commands/verify') as typeof import('./commands/verify')).verifyCommand,
  },
  {
    name: 'layers:inspect',
    summary: 'What a built layer holds, how big it is, its headroom, and what changed since the previous build',
    load: () => (require('./commands/layers-inspect') as typeof import('./commands/layers-inspect')).layersInspectCommand,
  },
  {
    name: 'bench',
    summary: 'Measure builds, determinism, synth, sizes, cold start and local load; write BENCHMARKS.md',
    load: () => (require('./commands/bench') as typeof import('./commands/bench')).benchCommand,
  },
];
/* eslint-enable @typescript-eslint/no-require-imports */

/** Every command: the core ones, then those of each registered runtime family (their plug-ins bring them). */
export function commandsOf(families: PluginRegistry): readonly CommandEntry[] {
  return [...CORE_COMMANDS, ...families.families.flatMap((family) => family.commands as readonly CommandEntry[])];
}

function overview(commands: readonly CommandEntry[]): string {
  const width = Math.max(...commands.map((command) => command.name.length));
  return [
    "Usage: npm run <command> -- [options]   (any command, a runtime family's too: npm run cli -- <command> [options])",
    '',
    'Commands:',
    ...commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    "Run `npm run <command> -- --help` for a command's options.",
  ].join('\n');
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env, families: PluginRegistry = PLUGINS): Promise<number> {
  const [name, ...rest] = argv;
  const commands = commandsOf(families);
  const noColor = rest.includes('--no-color');
  const err = createOutput({ stream: process.stderr, env, noColor });
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${overview(commands)}\n`);
    return name ? 0 : 2;
  }
  const entry = commands.find((candidate) => candidate.name === name);
  if (!entry) {
    err.line(`${err.red('error:')} unknown command "${name}".\n\n${overview(commands)}`);
    return 2;
  }
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const command = entry.load();
    const { values, positionals } = parseCommandArgs(entry.name, command, rest);
    if (values['help']) {
      process.stdout.write(`${helpText(entry, command)}\n`);
      return 0;
    }
    const context: CommandContext = { project: projectContext(PROJECT_ROOT, env, families), env, err, out: process.stdout, signal: controller.signal };
    return await command.run(values, positionals, context);
  } catch (error) {
    if (isUserError(error)) {
      err.line(`${err.red('error:')} ${error.message}`);
      return error.code === 'USAGE' ? 2 : 1;
    }
    err.line(`${err.red('internal error:')} ${(error as Error).stack ?? String(error)}`);
    return 70;
  } finally {
    process.removeListener('SIGINT', stop);
    process.removeListener('SIGTERM', stop);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`${String(error)}\n`);
      process.exitCode = 70;
    },
  );
}
