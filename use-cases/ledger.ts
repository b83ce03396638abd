import { EnvironmentConfig, layerNameOf, ownLayerFolderOf } from '../config/environments';
import { functionNameFor } from '../config/functions';
import { AwsClients } from '../aws/clients';
import { readEnvironment } from '../aws/lambda-listing';
import { parseLayerDescription } from '../artifacts/layer-description';
import { Deployment, UnreadableStateVersion } from '../history/deployments';
import { deployedFunctions, parseLayerArn } from '../history/terraform-state';
import { Ledger, ledgerOf } from '../ledger/ledger';
import { environmentLayerManifests } from '../review/manifest-store';
import { contentsFromDescription } from '../review/layer-packages';
import { ProjectContext } from './context';
import { loadStackHistory } from './stacks';

/** An environment's ledger, and what it was read from. */
export interface LedgerRun {
  readonly environment: EnvironmentConfig;
  readonly clients: AwsClients;
  readonly ledger: Ledger;
  readonly history: readonly Deployment[];
  readonly unreadable: readonly UnreadableStateVersion[];
  /** What could not be read besides the lists (a stored manifest), each said. */
  readonly notes: readonly string[];
}

/**
 * The environment's names in AWS: its functions (configured now, or in a retained deployment) and its layers (every
 * layer folder, and every own layer a retained deployment names).
 */
export function environmentNames(
  environment: EnvironmentConfig,
  layerFolders: readonly string[],
  history: readonly Deployment[],
): { functions: Record<string, string>; layers: string[] } {
  const functions: Record<string, string> = {};
  for (const deployment of history) {
    for (const [name, fn] of Object.entries(deployedFunctions(deployment))) functions[name] = fn.functionName;
  }
  for (const fn of environment.functions) functions[fn.name] = functionNameFor(environment, fn.name);
  const layers = new Set(layerFolders.map((folder) => layerNameOf(environment, folder)));
  for (const deployment of history) {
    for (const layer of deployment.layers) layers.add(layer.layerName);
    for (const fn of Object.values(deployedFunctions(deployment))) {
      for (const arn of fn.layers) {
        const name = parseLayerArn(arn)?.name;
        if (name && ownLayerFolderOf(environment, name) !== undefined) layers.add(name);
      }
    }
  }
  return { functions, layers: [...layers].sort() };
}

/** Reads Lambda, the state history and the stored manifests, and puts the ledger together. */
export async function environmentLedger(
  project: ProjectContext,
  stack: string | undefined,
  command: string,
  options: { readonly regionWide: boolean; readonly progress?: (line: string) => void },
): Promise<LedgerRun> {
  const { env: environment, clients, history, unreadable } = await loadStackHistory(project, stack, command);
  // The layer folders of the families the environment's functions are written in: those it may publish.
  const families = new Set(environment.functions.map((fn) => fn.family));
  const names = environmentNames(
    environment,
    project.layerSources().flatMap((source) => (families.has(source.family) ? [source.name] : [])),
    history,
  );
  options.progress?.(
    `Reading ${Object.keys(names.functions).length} function(s) and ${names.layers.length} layer(s) of ${environment.stackName} from Lambda${options.regionWide ? ', and the region’s other functions' : ''}...`,
  );
  const read = await readEnvironment(clients, { ...names, regionWide: options.regionWide });
  // What the state could not say counts as a list not read whole: a version only it names would look free.
  const location = `s3://${environment.stateBucket}/${environment.stateKey}`;
  const stateGaps = [
    ...unreadable.map((version) => ({ list: `state version ${version.versionId} of ${location}`, page: 1, error: `unreadable: ${version.reason}` })),
    ...(history.length === 0 && read.layerVersions.length > 0
      ? [
          {
            list: `deployments of ${environment.stackName} in ${location}`,
            page: 1,
            error: `none found, though Lambda holds ${read.layerVersions.length} version(s) of its layers: is STATE_BUCKET (or stateBucket in cdktf.json) the bucket the deploys write?`,
          },
        ]
      : []),
  ];
  const reading = { ...read, incomplete: [...stateGaps, ...read.incomplete] };
  const wanted = reading.layerVersions.flatMap((version) => {
    const contentHash = parseLayerDescription(version.description).contentHash;
    return contentHash ? [{ contentHash, version: version.arn, ...(version.description !== undefined ? { description: version.description } : {}) }] : [];
  });
  const recorded = history.flatMap((deployment) =>
    deployment.layers.flatMap((layer) => (layer.contentHash ? [{ contentHash: layer.contentHash, version: layer.arn }] : [])),
  );
  const { found: manifests, problems: notes } = await environmentLayerManifests(clients.s3, environment, [...wanted, ...recorded], project.families);
  const ledger = ledgerOf({
    reading,
    history,
    manifests,
    described: (description) => contentsFromDescription(description, project.families),
  });
  return { environment, clients, ledger, history, unreadable, notes };
}
