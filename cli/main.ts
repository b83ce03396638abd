import { isUserError } from '../project/errors';
import { Command, CommandContext, helpText, parseCommandArgs } from './command';
import { buildCommand } from './commands/build';
import { synthCommand } from './commands/synth';
import { startCommand } from './commands/start';
import { checkLayersCommand } from './commands/check-layers';
import { planCommand } from './commands/plan';
import { planSummaryCommand } from './commands/plan-summary';
import { checkApiCommand } from './commands/check-api';
import { ciConfigCommand } from './commands/ci-config';
import { historyCommand } from './commands/history';
import { rollbackCommand } from './commands/rollback';
import { layersPruneCommand } from './commands/layers-prune';
import { deployCommand } from './commands/deploy';
import { verifyCommand } from './commands/verify';
import { layersInspectCommand } from './commands/layers-inspect';
import { benchCommand } from './commands/bench';
import { doctorCommand } from './commands/doctor';
import { layersLockCommand } from './commands/layers-lock';
import { layersAuditCommand } from './commands/layers-audit';
import { probeCommand } from './commands/probe';
import { promoteCommand } from './commands/promote';
import { toolchainCommand } from './commands/toolchain';
import { createOutput } from './output';

export const COMMANDS: readonly Command[] = [buildCommand, synthCommand, startCommand, checkLayersCommand, doctorCommand, planCommand, planSummaryCommand, checkApiCommand, ciConfigCommand, deployCommand, probeCommand, promoteCommand, historyCommand, rollbackCommand, layersPruneCommand, layersLockCommand, layersAuditCommand, verifyCommand, layersInspectCommand, toolchainCommand, benchCommand];

function overview(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  return [
    'Usage: npm run <command> -- [options]   (or: npx tsx cli/main.ts <command> [options])',
    '',
    'Commands:',
    ...COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`),
    '',
    'Run `npm run <command> -- --help` for a command\'s options.',
  ].join('\n');
}

export async function main(argv: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [name, ...rest] = argv;
  const noColor = rest.includes('--no-color');
  const err = createOutput({ stream: process.stderr, env, noColor });
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${overview()}\n`);
    return name ? 0 : 2;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    err.line(`${err.red('error:')} unknown command "${name}".\n\n${overview()}`);
    return 2;
  }
  const controller = new AbortController();
  const stop = (): void => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const { values, positionals } = parseCommandArgs(command, rest);
    if (values['help']) {
      process.stdout.write(`${helpText(command)}\n`);
      return 0;
    }
    const context: CommandContext = { env, err, out: process.stdout, signal: controller.signal };
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
