import { environmentOf, ownLayerFolderOf } from '../config/environments';
import { API_FUNCTION } from '../config/functions';
import { EnvironmentArtifacts } from '../builder/artifact-check';
import { managedLayersOf } from '../config/managed-layers';
import { describeLayerVersion } from '../aws/lambda';
import { objectVersionExists } from '../aws/state';
import { TargetChoice, functionChanges, rollbackTarget } from '../history/deployments';
import { LayerChange, describeLayerChange, knownLayers, layerChanges, packagesNotInLayers } from '../history/layer-rollback';
import { writePin } from '../artifacts/rollback-pin';
import { functionsToRestore, pinFor } from '../history/pins';
import { deployedFunctions, parseLayerArn } from '../history/terraform-state';
import { historyEmpty, rollbackCodeGone, rollbackLayerGone, rollbackLayersLackPackages } from '../history/errors';
import { providerText } from '../review/import-rows';
import { Reporter } from '../project/progress';
import { appendJobSummary } from './job-summary';
import { environmentForStack, loadStackHistory } from './stacks';
import { notDeployedHint } from './errors';
import { noSuch } from '../project/errors';
import { ProjectContext } from './context';

export interface RollbackOptions {
  readonly stack: string | undefined;
  readonly choice: TargetChoice;
  readonly layersOnly: boolean;
  /** One function alone (--function); the others deploy as built. */
  readonly functionName?: string;
  readonly dryRun: boolean;
  /** The build folder that holds the pins. */
  readonly buildDir: string;
  readonly project: ProjectContext;
  readonly report: Reporter;
}

/** What a rollback does to one function, as `--json` prints it. */
interface FunctionRollback {
  readonly layers: readonly string[];
  readonly codeHash: string | null;
  readonly layerChanges: readonly LayerChange[];
  readonly changes: readonly string[];
  /** Layers only: whether the current code finds its packages in those layers, and what the check says. */
  readonly currentCode?: CodeCheck;
}

interface CodeCheck {
  readonly status: 'passed' | 'skipped';
  readonly missing: readonly string[];
  readonly text: string;
}

/**
 * Resolves the target deployment from the stack's state history, checks that the layer versions and code of every
 * function it restores (all of them, or the one --function names) are still there (and, layers only, that each one's
 * current code finds its packages in those layers), says what reverts, function by function, and writes the pin the
 * next deploy applies (not on a dry run). Returns what `--json` prints.
 */
export async function rollbackStack(options: RollbackOptions): Promise<Readonly<Record<string, unknown>>> {
  const { choice, layersOnly, buildDir, project, report } = options;
  const { env } = project;
  // What the command line alone can refuse is refused before AWS is asked: a function the environment does not deploy.
  const named = options.functionName;
  const deployed = environmentForStack(project.config(), options.stack, 'rollback');
  if (named !== undefined && !deployed.functions.some((fn) => fn.name === named)) {
    throw noSuch(
      'function',
      named,
      deployed.functions.map((fn) => fn.name),
      'rollback',
      notDeployedHint(deployed),
    );
  }
  const { env: environment, clients, history } = await loadStackHistory(project, options.stack, 'rollback');
  const stack = environment.stackName;
  if (history.length === 0) {
    throw historyEmpty(stack);
  }
  const { current, target } = rollbackTarget(history, choice);
  const deploys = environment.functions.map((fn) => fn.name);
  const pinOptions = { layersOnly, deploys, ...(options.functionName !== undefined ? { only: options.functionName } : {}) };
  const { notDeployed } = functionsToRestore(target, pinOptions);
  const pin = pinFor(stack, current, target, pinOptions);
  const then = deployedFunctions(target);
  const now = deployedFunctions(current);
  for (const [name, fn] of Object.entries(pin.functions)) {
    const ownLayers = fn.layers.filter((arn) => {
      const parsed = parseLayerArn(arn);
      return parsed !== undefined && ownLayerFolderOf(environment, parsed.name) !== undefined;
    });
    for (const arn of ownLayers) {
      if (!(await describeLayerVersion(clients, arn))) {
        throw rollbackLayerGone(arn, target.serial, stack);
      }
    }
    const s3 = fn.code?.s3;
    if (s3 && !(await objectVersionExists(clients, s3.bucket, s3.key, s3.version))) {
      throw rollbackCodeGone(target.serial, `s3://${s3.bucket}/${s3.key}, version ${s3.version ?? 'latest'}`, name !== API_FUNCTION ? name : undefined);
    }
  }
  const known = knownLayers(history);
  const built = layersOnly ? currentBuild() : undefined;
  const functions: Record<string, FunctionRollback> = Object.fromEntries(
    Object.entries(pin.functions).map(([name, fn]): [string, FunctionRollback] => {
      const codeCheck = built ? currentCodeAgainstLayers(name, fn.layers) : undefined;
      return [
        name,
        {
          layers: fn.layers,
          codeHash: fn.code?.codeHash ?? null,
          layerChanges: layerChanges({ function: now[name] }, { function: then[name] }, known),
          changes: functionChanges(now[name], then[name]).map((change) =>
            layersOnly && change.startsWith('function code:') ? 'function code: stays (the current build)' : change,
          ),
          ...(codeCheck ? { currentCode: codeCheck } : {}),
        },
      ];
    }),
  );
  const asBuilt = deploys.filter((name) => !(name in pin.functions));
  const commitChange = current.commit !== target.commit ? [`deployed commit: ${current.commit ?? 'unknown'} → ${target.commit ?? 'unknown'}`] : [];

  const scope = layersOnly ? 'layers only; the current code stays' : 'layers and code';
  const several = deploys.length > 1;
  const indent = several ? '    ' : '  ';
  const lines = [
    `${stack}: serial ${current.serial} → serial ${target.serial} (deployed ${target.time}, commit ${target.commit ?? 'unknown'}${target.origin ? `, by ${target.origin.by}` : ''}), ${scope}` +
      (options.functionName !== undefined ? `, function ${options.functionName} alone` : ''),
    ...Object.entries(functions).flatMap(([name, fn]) => [
      ...(several ? [`  ${name}:`] : []),
      ...fn.layerChanges.map((change) => `${indent}${describeLayerChange(change)}`),
      `${indent}code   ${fn.codeHash ?? 'the current build'}`,
      ...fn.changes.map((change) => `${indent}- ${change}`),
      ...(fn.currentCode ? [`${indent}current code against those layers: ${fn.currentCode.text}`] : []),
    ]),
    ...asBuilt.map((name) => `  ${name}: stays as built${then[name] ? '' : ` (not in serial ${target.serial})`}`),
    ...notDeployed.map((name) => `  ${name}: in serial ${target.serial}, but this environment no longer deploys it; not restored`),
    ...commitChange.map((change) => `  - ${change}`),
  ];
  for (const line of lines) report.line(line);
  appendJobSummary(env, `### Rollback of ${stack}\n\n${options.dryRun ? '_Dry run: nothing written._\n\n' : ''}\`\`\`\n${lines.join('\n')}\n\`\`\`\n`);
  if (options.dryRun) {
    report.line('Dry run: nothing was written or applied.');
  } else {
    const file = writePin(buildDir, pin);
    report.line(`Pinned: ${file}`);
    report.line(`Next: npm run deploy -- ${stack}   (its plan shows exactly what reverts; each new version is probed before any alias moves)`);
    report.line('That deploy removes the pin; the deploy after it deploys the current build again.');
  }
  const printed = Object.fromEntries(
    Object.entries(functions).map(([name, { currentCode, ...fn }]) => [
      name,
      { ...fn, ...(currentCode ? { currentCode: { status: currentCode.status, missing: currentCode.missing } } : {}) },
    ]),
  );
  const api = printed[API_FUNCTION];
  return {
    stack,
    current: current.serial,
    scope: pin.scope,
    target: { serial: target.serial, commit: target.commit ?? null, time: target.time, ...(api ? { layers: api.layers, codeHash: api.codeHash } : {}) },
    // The API's, as before a stack had several functions; every function's under "functions".
    ...(api ? { layers: api.layerChanges, changes: [...api.changes, ...commitChange] } : { changes: commitChange }),
    ...(api?.currentCode ? { currentCode: api.currentCode } : {}),
    functions: printed,
    asBuilt,
    notRestored: notDeployed,
    dryRun: Boolean(options.dryRun),
  };

  /** The current build's artifacts, for the layers-only check; the reason when they cannot be read. */
  function currentBuild(): EnvironmentArtifacts | string {
    try {
      return project.builtArtifacts(environment, buildDir);
    } catch (error) {
      return (error as Error).message.split('\n')[0];
    }
  }

  /** Whether a function's current code finds its packages in the target's layers: refused when certainly not, skipped when it cannot be told. */
  function currentCodeAgainstLayers(name: string, layerArns: readonly string[]): CodeCheck {
    const fn = environment.functions.find((candidate) => candidate.name === name)!;
    const own = environmentOf(environment, fn);
    const family = project.families.ofRuntime(own.runtime);
    if (family.importsBy !== 'package') {
      return {
        status: 'skipped',
        missing: [],
        text: `not checked here (${family.name} module names are not in the layer descriptions); the rollout probes the new version before live moves to it`,
      };
    }
    if (typeof built === 'string' || !built) {
      return { status: 'skipped', missing: [], text: `not checked: the current build could not be read (${built ?? 'no build'}); run npm run build first` };
    }
    const externals = built.functions.find((candidate) => candidate.function.name === name)?.bundle.externals ?? [];
    const { missing, certain, provided } = packagesNotInLayers(externals, layerArns, known, {
      runtime: own.runtime,
      family,
      managed: managedLayersOf(family, own),
    });
    const subject = name === API_FUNCTION ? stack : `${stack} ${name}`;
    if (missing.length && certain) {
      throw rollbackLayersLackPackages(subject, missing, target.serial, own.runtime);
    }
    if (missing.length) {
      return {
        status: 'skipped',
        missing,
        text: `not certain: ${missing.join(', ')} not listed, but a layer description was cut or missing; the rollout probes the new version before live moves to it`,
      };
    }
    const by = provided.map(({ module, provider }) => `${module}: ${providerText(provider, own)}`).join('; ');
    return { status: 'passed', missing: [], text: `all ${externals.length} package(s) the code takes from outside its bundle are provided (${by})` };
  }
}
