import { artifactsForEnvironment } from '../../builder/artifact-check';
import { readAllLayerSources } from '../../builder/layer-sources';
import { readManifest } from '../../artifacts/manifest';
import { ownLayerFolderOf, runtimeFamilyOf } from '../../config/environments';
import { describeLayerVersion, objectVersionExists } from '../../history/aws';
import { TargetChoice, rollbackChanges, rollbackTarget } from '../../history/deployments';
import { describeLayerChange, knownLayers, layerChanges, packagesNotInLayers } from '../../history/layer-rollback';
import { writePin } from '../../artifacts/rollback-pin';
import { pinFor } from '../../history/pins';
import { parseLayerArn } from '../../history/terraform-state';
import { historyEmpty, rollbackCodeGone, rollbackLayerGone, rollbackLayersLackPackages, usage } from '../../project/errors';
import { PROJECT_ROOT, resolveBuildDir } from '../../project/paths';
import { Command, appendJobSummary, writeJson } from '../command';
import { loadStackHistory } from './stacks';

function wholeNumber(raw: unknown, option: string): number | undefined {
  if (raw === undefined) return undefined;
  if (!/^\d+$/.test(String(raw))) throw usage(`${option} takes a whole number, got "${String(raw)}".`, 'rollback');
  return Number(raw);
}

/** --to, --steps, or --target (`<serial>` or `~<steps>`, the form the rollback workflow's input takes). */
export function targetChoice(values: Record<string, unknown>): TargetChoice {
  const to = wholeNumber(values['to'], '--to');
  const steps = wholeNumber(values['steps'], '--steps');
  const target = values['target'] as string | undefined;
  if (target === undefined) return { ...(to !== undefined ? { to } : {}), ...(steps !== undefined ? { steps } : {}) };
  if (to !== undefined || steps !== undefined) throw usage('--target replaces --to and --steps; give one of them.', 'rollback');
  const match = /^(?:(\d+)|~(\d+))$/.exec(target.trim());
  if (!match) throw usage(`--target takes a state serial such as 41, or ~N for N deployments back (~1 is the previous one), got ${JSON.stringify(target)}.`, 'rollback');
  return match[1] !== undefined ? { to: Number(match[1]) } : { steps: Number(match[2]) };
}

export const rollbackCommand: Command = {
  name: 'rollback',
  summary: "Pin a stack to an earlier deployment's layers and code (or layers only); the usual deploy applies it",
  usage: 'npm run rollback -- <stack> (--to <serial> | --steps <n> | --target <serial|~n>) [--layers-only] [--dry-run] [--json]',
  help: `Finds the target deployment in the stack's state history (npm run history), checks
that its layer versions still exist in Lambda and that its function code is still
in the artifact bucket, and writes a pin (.build/pins/<stack>.json). The stack reads
the pin at synth time, so the usual deploy (npm run deploy -- <stack>) applies the
rollback through Terraform: its plan shows exactly what reverts, the new version is
probed before live moves to it, and the state stays the single source of truth. That
deploy removes the pin, so the one after it deploys the current build again.

--layers-only pins the target's layers and keeps the current build's code: the plan
changes only the function's layers. It works where the target's code was uploaded
directly (no artifact bucket) and so cannot be restored. For a Node.js function it
refuses when the current code needs a package none of those layers lists.

Each layer's line says which version it returns to and which packages differ, from the
descriptions the stacks give layer versions. In GitHub Actions the target and the
changes also go to the job summary. For an instant move back to a version the function
still has, without a new apply of code or layers, see npm run promote.`,
  options: {
    to: { type: 'string', value: '<serial>', describe: 'the state serial to return to' },
    steps: { type: 'string', value: '<n>', describe: 'or: this many deployments back from the newest (1 = the previous one)' },
    target: { type: 'string', value: '<t>', describe: 'or: a serial (41) or ~n for n deployments back (the workflow\'s input)' },
    'layers-only': { type: 'boolean', describe: 'put back the layers only; the current code stays' },
    'dry-run': { type: 'boolean', describe: 'print the target and what would change; write nothing' },
    'build-dir': { type: 'string', value: '<dir>', describe: 'build folder that holds the pins (default .build, or BUILD_DIR)' },
    json: { type: 'boolean', describe: 'print the target and changes as JSON on stdout' },
  },
  allowPositionals: true,
  async run(values, positionals, { env, err, out }) {
    const choice = targetChoice(values);
    const layersOnly = Boolean(values['layers-only']);
    const { env: environment, clients, history } = await loadStackHistory(positionals[0], 'rollback', env);
    const stack = environment.stackName;
    if (history.length === 0) {
      throw historyEmpty(stack);
    }
    const { current, target } = rollbackTarget(history, choice);
    const ownLayers = (target.function?.layers ?? []).filter((arn) => {
      const parsed = parseLayerArn(arn);
      return parsed !== undefined && ownLayerFolderOf(environment, parsed.name) !== undefined;
    });
    for (const arn of ownLayers) {
      if (!(await describeLayerVersion(clients, arn))) {
        throw rollbackLayerGone(arn, target.serial, stack);
      }
    }
    const pin = pinFor(stack, current, target, { layersOnly });
    if (pin.code?.s3 && !(await objectVersionExists(clients, pin.code.s3.bucket, pin.code.s3.key, pin.code.s3.version))) {
      throw rollbackCodeGone(target.serial, `s3://${pin.code.s3.bucket}/${pin.code.s3.key}, version ${pin.code.s3.version ?? 'latest'}`);
    }
    const buildDir = resolveBuildDir(values['build-dir'] as string | undefined, env);
    const known = knownLayers(history);
    const layers = layerChanges(current, target, known);
    const codeCheck = layersOnly ? currentCodeAgainstLayers() : undefined;

    const changes = rollbackChanges(current, target).map((change) => (layersOnly && change.startsWith('function code:') ? 'function code: stays (the current build)' : change));
    const scope = layersOnly ? 'layers only; the current code stays' : 'layers and code';
    const lines = [
      `${stack}: serial ${current.serial} → serial ${target.serial} (deployed ${target.time}, commit ${target.commit ?? 'unknown'}${target.origin ? `, by ${target.origin.by}` : ''}), ${scope}`,
      ...layers.map((change) => `  ${describeLayerChange(change)}`),
      `  code   ${pin.code ? pin.code.codeHash : 'the current build'}`,
      ...changes.map((change) => `  - ${change}`),
      ...(codeCheck ? [`  current code against those layers: ${codeCheck.text}`] : []),
    ];
    for (const line of lines) err.line(line);
    appendJobSummary(env, `### Rollback of ${stack}\n\n${values['dry-run'] ? '_Dry run: nothing written._\n\n' : ''}\`\`\`\n${lines.join('\n')}\n\`\`\`\n`);
    if (values['dry-run']) {
      err.line('Dry run: nothing was written or applied.');
    } else {
      const file = writePin(buildDir, pin);
      err.line(`Pinned: ${file}`);
      err.line(`Next: npm run deploy -- ${stack}   (its plan shows exactly what reverts; the new version is probed before live moves)`);
      err.line('That deploy removes the pin; the deploy after it deploys the current build again.');
    }
    if (values['json']) {
      writeJson(out, {
        stack,
        current: current.serial,
        scope: pin.scope,
        target: { serial: target.serial, commit: target.commit ?? null, time: target.time, layers: pin.layers, codeHash: pin.code?.codeHash ?? null },
        layers,
        changes,
        ...(codeCheck ? { currentCode: { status: codeCheck.status, missing: codeCheck.missing } } : {}),
        dryRun: Boolean(values['dry-run']),
      });
    }
    return 0;

    /** Whether the current code's packages are in the target's layers: refused when certainly not, skipped when it cannot be told. */
    function currentCodeAgainstLayers(): { status: 'passed' | 'skipped'; text: string; missing: string[] } {
      if (runtimeFamilyOf(environment.runtime) !== 'nodejs') {
        return { status: 'skipped', missing: [], text: 'not checked here (Python module names are not in the layer descriptions); the rollout probes the new version before live moves to it' };
      }
      let externals: readonly string[];
      try {
        externals = artifactsForEnvironment(environment, readManifest(buildDir), readAllLayerSources(PROJECT_ROOT), buildDir, PROJECT_ROOT).bundle.externals;
      } catch (error) {
        return { status: 'skipped', missing: [], text: `not checked: the current build could not be read (${(error as Error).message.split('\n')[0]}); run npm run build first` };
      }
      const { missing, certain } = packagesNotInLayers(externals, pin.layers, known);
      if (missing.length && certain) {
        throw rollbackLayersLackPackages(stack, missing, target.serial);
      }
      if (missing.length) {
        return { status: 'skipped', missing, text: `not certain: ${missing.join(', ')} not listed, but a layer description was cut or missing; the rollout probes the new version before live moves to it` };
      }
      return { status: 'passed', missing: [], text: `all ${externals.length} package(s) the code takes from layers are listed (${externals.join(', ')})` };
    }
  },
};
