import { EnvironmentConfig, layerNameOf, ownLayerFolderOf } from '../config/environments';
import { LIVE_ALIAS } from '../config/rollout-names';
import { layerManifestKey, layerSbomKey } from '../config/artifact-keys';
import { parseLayerDescription } from '../artifacts/layer-description';
import { readManifest } from '../artifacts/manifest';
import { aliasRuns } from '../aws/lambda-listing';
import { describeLayerVersion } from '../aws/lambda';
import { deployedFunctions, parseLayerArn } from '../history/terraform-state';
import { knownLayers } from '../history/layer-rollback';
import { lambdaUnreadable } from '../aws/errors';
import { DriftInput, DriftReport, ExpectedFunction, LiveLayer, driftOf } from '../ledger/drift';
import { contentsFromArtifact, contentsFromDescribed, contentsFromDescription } from '../review/layer-packages';
import { environmentLayerManifests } from '../review/manifest-store';
import { ProjectContext } from './context';
import { loadStackHistory } from './stacks';
import { environmentNames } from './ledger';

export interface DriftRun {
  readonly environment: EnvironmentConfig;
  readonly report: DriftReport;
  /** What could not be read (a stored manifest, a state version), each said. */
  readonly notes: readonly string[];
}

/**
 * What each function's alias live runs, read from Lambda (the alias, each version it routes to, each layer version and
 * its stored manifest), against this build (its manifest: bundles and layers made from the locks) and the state
 * history; ledger/drift.ts judges.
 */
export async function environmentDrift(
  project: ProjectContext,
  stack: string | undefined,
  options: { readonly buildDir: string; readonly progress?: (line: string) => void },
): Promise<DriftRun> {
  const { env: environment, clients, history, unreadable } = await loadStackHistory(project, stack, 'drift');
  const notes = unreadable.map((version) => `state version ${version.versionId} could not be read (${version.reason}); what it deployed is not counted`);
  // What this build deploys, checked against the sources as synth checks it (a stale build stops here, with the command).
  const artifacts = project.builtArtifacts(environment, options.buildDir, { manifest: readManifest(options.buildDir) });
  const expected = new Map<string, ExpectedFunction>(
    artifacts.functions.map((built) => [
      built.function.name,
      {
        codeHash: built.bundle.contentHash,
        layers: [
          ...built.managed.map((layer) => ({ folder: layer.name, layerName: parseLayerArn(layer.arn)?.name ?? layer.name, arn: layer.arn })),
          ...built.layers.map((layer) => ({
            folder: layer.name,
            layerName: layerNameOf(environment, layer.name),
            contents: contentsFromArtifact(layer, project.families),
          })),
        ],
      },
    ]),
  );
  const names = new Map(Object.entries(environmentNames(environment, [], history).functions));
  options.progress?.(`Reading what alias ${LIVE_ALIAS} runs for ${names.size} function(s) of ${environment.stackName}...`);
  const inputs: DriftInput[] = [];
  for (const [name, functionName] of names) {
    let live: DriftInput['live'] = { exists: true, versions: [] };
    let cannotRead: string | undefined;
    try {
      live = await aliasRuns(clients, functionName, LIVE_ALIAS);
    } catch (error) {
      const failure = lambdaUnreadable(
        `alias ${LIVE_ALIAS} of ${functionName} and the versions it routes to`,
        'lambda:GetAlias and lambda:GetFunctionConfiguration',
        error,
      );
      // A function only a retained deployment names is outside what the CI roles read (the configuration's): said, not fatal.
      if (expected.has(name)) throw failure;
      cannotRead = failure.message;
    }
    inputs.push({
      name,
      functionName,
      live,
      ...(cannotRead ? { unreadable: cannotRead } : {}),
      ...(expected.has(name) ? { expected: expected.get(name)! } : {}),
      recorded: history.flatMap((deployment) => {
        const fn = deployedFunctions(deployment)[name];
        return fn ? [{ serial: deployment.serial, codeSha256: fn.codeHash, layers: fn.layers }] : [];
      }),
    });
  }
  const arns = [...new Set(inputs.flatMap((input) => input.live.versions.flatMap((version) => version.layers)))];
  // A layer version that cannot be read (another account's, not shared with this one) is said, and compared by its ARN alone.
  const unread = new Map<string, string>();
  const described = new Map(
    await Promise.all(
      arns.map(async (arn) => {
        try {
          return [arn, await describeLayerVersion(clients, arn)] as const;
        } catch (error) {
          const why = `Lambda did not describe it (${(error as Error).name}: ${(error as Error).message})`;
          unread.set(arn, why);
          notes.push(`layer version ${arn} could not be read: ${why}; its packages are not compared`);
          return [arn, undefined] as const;
        }
      }),
    ),
  );
  // A deleted version (the function still runs it) is known by what the retained deployments recorded of it.
  const recorded = knownLayers(history);
  const wanted = arns.flatMap((arn) => {
    const description = described.get(arn)?.description;
    const deleted = !described.get(arn) && !unread.has(arn);
    const contentHash = parseLayerDescription(description).contentHash ?? (deleted ? recorded.get(arn)?.contentHash : undefined);
    return contentHash ? [{ contentHash, version: arn, ...(description !== undefined ? { description } : {}) }] : [];
  });
  const scope = { project: environment.project, environment: environment.name };
  const { found: stored, problems } = await environmentLayerManifests(clients.s3, environment, wanted, project.families);
  if (wanted.length) notes.push(...problems);
  const live = new Map<string, LiveLayer>(
    arns.map((arn) => {
      const version = described.get(arn);
      const layerName = parseLayerArn(arn)?.name;
      const folder = layerName ? ownLayerFolderOf(environment, layerName) : undefined;
      const hash = wanted.find((layer) => layer.version === arn)?.contentHash.slice(0, 16);
      const manifest = hash ? stored.get(hash) : undefined;
      const fromState = version || unread.has(arn) ? undefined : recorded.get(arn);
      const contents =
        manifest ?? contentsFromDescription(version?.description, project.families) ?? (fromState ? contentsFromDescribed(fromState) : undefined);
      const where = (key: string): string => `s3://${environment.artifactBucket}/${key}`;
      return [
        arn,
        {
          arn,
          exists: version !== undefined || unread.has(arn),
          ...(folder !== undefined ? { folder } : {}),
          ...(unread.has(arn) ? { unreadable: unread.get(arn)! } : {}),
          ...(contents ? { contents } : {}),
          ...(manifest && hash
            ? { manifest: where(layerManifestKey(scope.project, scope.environment, hash)), sbom: where(layerSbomKey(scope.project, scope.environment, hash)) }
            : {}),
        },
      ];
    }),
  );
  return { environment, report: driftOf(environment.name, inputs, live, project.families), notes };
}
