import { TargetChoice } from '../../history/deployments';
import { eitherOption, optionReplaces, optionValueInvalid } from '../../project/errors';
import { rollbackStack } from '../../use-cases/rollback';
import { Command, writeJson } from '../command';
import { textOf } from '../../project/text';
import { FUNCTION_NAME } from '../../config/functions';

function wholeNumber(raw: unknown, option: string): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(textOf(raw))) throw optionValueInvalid(option, 'a whole number', textOf(raw), 'rollback');
  return Number(raw);
}

/** --to, --steps, or --target (`<serial>` or `~<steps>`, the form the rollback workflow's input takes). */
export function targetChoice(values: Record<string, unknown>): TargetChoice {
  const to = wholeNumber(values['to'], '--to');
  const steps = wholeNumber(values['steps'], '--steps');
  const target = values['target'] as string | undefined;
  if (target === undefined) {
    // Exactly one target, said before anything is read.
    if ((to === undefined) === (steps === undefined)) throw eitherOption(['--to <serial>', '--steps <n>', '--target <serial|~n>'], 'rollback');
    return to !== undefined ? { to } : { steps: steps! };
  }
  if (to !== undefined || steps !== undefined) throw optionReplaces('--target', ['--to', '--steps'], 'rollback');
  const match = /^(?:(\d+)|~(\d+))$/.exec(target.trim());
  if (!match) throw optionValueInvalid('--target', 'a state serial such as 41, or ~N for N deployments back (~1 is the previous one)', target, 'rollback');
  return match[1] !== undefined ? { to: Number(match[1]) } : { steps: Number(match[2]) };
}

/** --function: a function's name as the configuration spells it. */
function functionOption(raw: unknown): string {
  const name = textOf(raw);
  if (!FUNCTION_NAME.test(name)) throw optionValueInvalid('--function', "a function's name from the configuration, such as api or worker", name, 'rollback');
  return name;
}

export const rollbackCommand: Command = {
  usage: 'npm run rollback -- <stack> (--to <serial> | --steps <n> | --target <serial|~n>) [--function <name>] [--layers-only] [--dry-run] [--json]',
  help: `Finds the target deployment in the stack's state history (npm run history), checks
that its layer versions still exist in Lambda and that its function code is still
in the artifact bucket, and writes a pin (.build/pins/<stack>.json). The stack reads
the pin at synth time, so the usual deploy (npm run deploy -- <stack>) applies the
rollback through Terraform: its plan shows exactly what reverts, the new version is
probed before live moves to it, and the state stays the single source of truth. That
deploy removes the pin, so the one after it deploys the current build again.

A stack of several functions rolls back all of them that the target deployment has
and the environment still deploys (one whose code was uploaded directly, so is kept
nowhere, and changed since refuses the whole rollback, naming it); --function <name>
rolls back that one alone (the API is "api"), and every other function deploys as
built. Each function restored is probed before any alias moves, as in a deploy.

--layers-only pins the target's layers and keeps the current build's code: the plan
changes only the function's layers. It works where the target's code was uploaded
directly (no artifact bucket) and so cannot be restored. For a Node.js function it
refuses when the current code needs a package that neither those layers nor the
runtime (or an attached managed layer) provides.

Each layer's line says which version it returns to and which packages differ, from the
descriptions the stacks give layer versions. In GitHub Actions the target and the
changes also go to the job summary. For an instant move back to a version the function
still has, without a new apply of code or layers, see npm run promote.`,
  options: {
    to: { type: 'string', value: '<serial>', describe: 'the state serial to return to' },
    steps: { type: 'string', value: '<n>', describe: 'or: this many deployments back from the newest (1 = the previous one)' },
    target: { type: 'string', value: '<t>', describe: "or: a serial (41) or ~n for n deployments back (the workflow's input)" },
    function: { type: 'string', value: '<name>', describe: 'roll back this function alone (its name in the configuration; the API is "api")' },
    'layers-only': { type: 'boolean', describe: 'put back the layers only; the current code stays' },
    'dry-run': { type: 'boolean', describe: 'print the target and what would change; write nothing' },
    'build-dir': { type: 'string', value: '<dir>', describe: 'build folder that holds the pins (default .build, or BUILD_DIR)' },
    json: { type: 'boolean', describe: 'print the target and changes as JSON on stdout' },
  },
  allowPositionals: true,
  async run(values, positionals, { project, err, out }) {
    const choice = targetChoice(values);
    const result = await rollbackStack({
      stack: positionals[0],
      choice,
      layersOnly: Boolean(values['layers-only']),
      ...(values['function'] !== undefined ? { functionName: functionOption(values['function']) } : {}),
      dryRun: Boolean(values['dry-run']),
      buildDir: project.buildDir(values['build-dir'] as string | undefined),
      project,
      report: err,
    });
    if (values['json']) writeJson(out, result);
    return 0;
  },
};
