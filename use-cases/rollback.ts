import { ownLayerFolderOf } from '../config/environments';
import { managedLayersOf } from '../config/managed-layers';
import { describeLayerVersion } from '../aws/lambda';
import { objectVersionExists } from '../aws/state';
import { TargetChoice, rollbackChanges, rollbackTarget } from '../history/deployments';
import { describeLayerChange, knownLayers, layerChanges, packagesNotInLayers } from '../history/layer-rollback';
import { writePin } from '../artifacts/rollback-pin';
import { pinFor } from '../history/pins';
import { parseLayerArn } from '../history/terraform-state';
import { historyEmpty, rollbackCodeGone, rollbackLayerGone, rollbackLayersLackPackages } from '../history/errors';
import { providerText } from '../review/import-rows';
import { Reporter } from '../project/progress';
import { appendJobSummary } from './job-summary';
import { loadStackHistory } from './stacks';
import { ProjectContext } from './context';

export interface RollbackOptions {
  readonly stack: string | undefined;
  readonly choice: TargetChoice;
  readonly layersOnly: boolean;
  readonly dryRun: boolean;
  /** The build folder that holds the pins. */
  readonly buildDir: string;
  readonly project: ProjectContext;
  readonly report: Reporter;
}

/**
 * Resolves the target deployment from the stack's state history, checks that its layer versions and code are
 * still there (and, layers only, that the current code's packages are in those layers), says what reverts, and
 * writes the pin the next deploy applies (not on a dry run). Returns what `--json` prints.
 */
export async function rollbackStack(options: RollbackOptions): Promise<Readonly<Record<string, unknown>>> {
  const { choice, layersOnly, buildDir, project, report } = options;
  const { env } = project;
  const { env: environment, clients, history } = await loadStackHistory(project, options.stack, 'rollback');
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
  const known = knownLayers(history);
  const layers = layerChanges(current, target, known);
  const codeCheck = layersOnly ? currentCodeAgainstLayers() : undefined;

  const changes = rollbackChanges(current, target).map((change) =>
    layersOnly && change.startsWith('function code:') ? 'function code: stays (the current build)' : change,
  );
  const scope = layersOnly ? 'layers only; the current code stays' : 'layers and code';
  const lines = [
    `${stack}: serial ${current.serial} → serial ${target.serial} (deployed ${target.time}, commit ${target.commit ?? 'unknown'}${target.origin ? `, by ${target.origin.by}` : ''}), ${scope}`,
    ...layers.map((change) => `  ${describeLayerChange(change)}`),
    `  code   ${pin.code ? pin.code.codeHash : 'the current build'}`,
    ...changes.map((change) => `  - ${change}`),
    ...(codeCheck ? [`  current code against those layers: ${codeCheck.text}`] : []),
  ];
  for (const line of lines) report.line(line);
  appendJobSummary(env, `### Rollback of ${stack}\n\n${options.dryRun ? '_Dry run: nothing written._\n\n' : ''}\`\`\`\n${lines.join('\n')}\n\`\`\`\n`);
  if (options.dryRun) {
    report.line('Dry run: nothing was written or applied.');
  } else {
    const file = writePin(buildDir, pin);
    report.line(`Pinned: ${file}`);
    report.line(`Next: npm run deploy -- ${stack}   (its plan shows exactly what reverts; the new version is probed before live moves)`);
    report.line('That deploy removes the pin; the deploy after it deploys the current build again.');
  }
  return {
    stack,
    current: current.serial,
    scope: pin.scope,
    target: { serial: target.serial, commit: target.commit ?? null, time: target.time, layers: pin.layers, codeHash: pin.code?.codeHash ?? null },
    layers,
    changes,
    ...(codeCheck ? { currentCode: { status: codeCheck.status, missing: codeCheck.missing } } : {}),
    dryRun: Boolean(options.dryRun),
  };

  /** Whether the current code's packages are in the target's layers: refused when certainly not, skipped when it cannot be told. */
  function currentCodeAgainstLayers(): { status: 'passed' | 'skipped'; text: string; missing: string[] } {
    const family = project.families.ofRuntime(environment.runtime);
    if (family.importsBy !== 'package') {
      return {
        status: 'skipped',
        missing: [],
        text: `not checked here (${family.name} module names are not in the layer descriptions); the rollout probes the new version before live moves to it`,
      };
    }
    let externals: readonly string[];
    try {
      externals = project.builtArtifacts(environment, buildDir).bundle.externals;
    } catch (error) {
      return {
        status: 'skipped',
        missing: [],
        text: `not checked: the current build could not be read (${(error as Error).message.split('\n')[0]}); run npm run build first`,
      };
    }
    const { missing, certain, provided } = packagesNotInLayers(externals, pin.layers, known, {
      runtime: environment.runtime,
      family,
      managed: managedLayersOf(family, environment),
    });
    if (missing.length && certain) {
      throw rollbackLayersLackPackages(stack, missing, target.serial, environment.runtime);
    }
    if (missing.length) {
      return {
        status: 'skipped',
        missing,
        text: `not certain: ${missing.join(', ')} not listed, but a layer description was cut or missing; the rollout probes the new version before live moves to it`,
      };
    }
    const by = provided.map(({ module, provider }) => `${module}: ${providerText(provider, environment)}`).join('; ');
    return { status: 'passed', missing: [], text: `all ${externals.length} package(s) the code takes from outside its bundle are provided (${by})` };
  }
}
