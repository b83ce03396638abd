import { ownLayerFolderOf } from '../../config/environments';
import { describeLayerVersion, objectVersionExists } from '../../history/aws';
import { rollbackChanges, rollbackTarget } from '../../history/deployments';
import { pinFor, writePin } from '../../history/pins';
import { parseLayerArn } from '../../history/terraform-state';
import { UserError, usage } from '../../project/errors';
import { resolveBuildDir } from '../../project/paths';
import { Command, writeJson } from '../command';
import { loadStackHistory } from './stacks';

function wholeNumber(raw: unknown, option: string): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(String(raw))) throw usage(`${option} takes a whole number, got "${String(raw)}".`, 'rollback');
  return Number(raw);
}

export const rollbackCommand: Command = {
  name: 'rollback',
  summary: "Pin a stack to an earlier deployment's layers and code; the usual deploy applies it",
  usage: 'npm run rollback -- <stack> (--to <serial> | --steps <n>) [--dry-run] [--json]',
  help: `Finds the target deployment in the stack's state history (npm run history), checks
that its layer versions still exist in Lambda and that its function code is still
in the artifact bucket, and writes a pin (.build/pins/<stack>.json). The stack reads
the pin at synth time, so the usual deploy (npm run deploy -- <stack>) applies the
rollback through Terraform: its plan shows exactly what reverts, and the state stays
the single source of truth. That deploy removes the pin, so the one after it deploys
the current build again.

Options:
  --to <serial>  the state serial to return to
  --steps <n>    or: this many deployments back from the newest (1 = the previous one)
  --dry-run      print the target and what would change; write nothing
  --build-dir    build folder that holds the pins (default .build, or BUILD_DIR)
  --json         print the target and changes as JSON on stdout
  --no-color     no colour (NO_COLOR is honoured too)
  -h, --help     this help`,
  options: { to: { type: 'string' }, steps: { type: 'string' }, 'dry-run': { type: 'boolean' }, 'build-dir': { type: 'string' }, json: { type: 'boolean' } },
  allowPositionals: true,
  async run(values, positionals, { env, err, out }) {
    const to = wholeNumber(values['to'], '--to');
    const steps = wholeNumber(values['steps'], '--steps');
    const { env: environment, clients, history } = await loadStackHistory(positionals[0], 'rollback', env);
    if (history.length === 0) {
      throw new UserError('HISTORY_EMPTY', `${environment.stackName} has no deployment in its state history yet; there is nothing to roll back to.`);
    }
    const { current, target } = rollbackTarget(history, { ...(to !== undefined ? { to } : {}), ...(steps !== undefined ? { steps } : {}) });
    const ownLayers = (target.function?.layers ?? []).filter((arn) => {
      const parsed = parseLayerArn(arn);
      return parsed !== undefined && ownLayerFolderOf(environment, parsed.name) !== undefined;
    });
    for (const arn of ownLayers) {
      if (!(await describeLayerVersion(clients, arn))) {
        throw new UserError(
          'ROLLBACK_LAYER_GONE',
          `Layer version ${arn} of serial ${target.serial} no longer exists (pruned or deleted), so that deployment cannot be restored. Choose a later serial (npm run history -- ${environment.stackName}).`,
        );
      }
    }
    const pin = pinFor(environment.stackName, current, target);
    if (pin.code.s3 && !(await objectVersionExists(clients, pin.code.s3.bucket, pin.code.s3.key, pin.code.s3.version))) {
      throw new UserError(
        'ROLLBACK_CODE_GONE',
        `The function code of serial ${target.serial} (s3://${pin.code.s3.bucket}/${pin.code.s3.key}, version ${pin.code.s3.version ?? 'latest'}) is no longer in the artifact bucket; choose a later serial.`,
      );
    }
    const changes = rollbackChanges(current, target);
    const report = { stack: environment.stackName, current: current.serial, target: { serial: target.serial, commit: target.commit ?? null, time: target.time, layers: pin.layers, codeHash: pin.code.codeHash }, changes };
    err.line(`${environment.stackName}: serial ${current.serial} → serial ${target.serial} (deployed ${target.time}, commit ${target.commit ?? 'unknown'})`);
    err.line(`  layers ${pin.layers.join(', ') || 'none'}`);
    err.line(`  code   ${pin.code.codeHash}`);
    for (const change of changes) err.line(`  - ${change}`);
    if (values['dry-run']) {
      err.line('Dry run: nothing was written or applied.');
    } else {
      const file = writePin(resolveBuildDir(values['build-dir'] as string | undefined, env), pin);
      err.line(`Pinned: ${file}`);
      err.line(`Next: npm run deploy -- ${environment.stackName}   (its plan shows exactly what reverts)`);
      err.line('That deploy removes the pin; the deploy after it deploys the current build again.');
    }
    if (values['json']) writeJson(out, { ...report, dryRun: Boolean(values['dry-run']) });
    return 0;
  },
};
