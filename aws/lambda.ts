import {
  DeleteLayerVersionCommand,
  GetFunctionConfigurationCommand,
  GetLayerVersionCommand,
  ListFunctionsCommand,
  ListLayerVersionsCommand,
} from '@aws-sdk/client-lambda';
import { LayerConsumer, LayerVersionRef } from '../history/prune-plan';
import { parseLayerArn } from '../history/terraform-state';
import { AwsClients, awsError } from './clients';

/** Lambda's layer versions and functions, as the history, the prune and verify read them. */

/** Every function version in the region (each published version and $LATEST) with the layer versions it uses. */
export async function layerConsumers(clients: AwsClients): Promise<LayerConsumer[]> {
  const consumers: LayerConsumer[] = [];
  let marker: string | undefined;
  do {
    const page = await clients.lambda.send(new ListFunctionsCommand({ FunctionVersion: 'ALL', ...(marker ? { Marker: marker } : {}) }));
    for (const fn of page.Functions ?? []) {
      const layers = (fn.Layers ?? []).map((layer) => layer.Arn!).filter(Boolean);
      if (layers.length) consumers.push({ name: `${fn.FunctionName}:${fn.Version ?? '$LATEST'}`, layers });
    }
    marker = page.NextMarker;
  } while (marker);
  return consumers;
}

export async function listLayerVersions(clients: AwsClients, layerName: string): Promise<LayerVersionRef[]> {
  const versions: LayerVersionRef[] = [];
  let marker: string | undefined;
  do {
    const page = await clients.lambda.send(new ListLayerVersionsCommand({ LayerName: layerName, Marker: marker }));
    for (const version of page.LayerVersions ?? []) {
      if (version.LayerVersionArn && version.Version !== undefined) versions.push({ arn: version.LayerVersionArn, layerName, version: version.Version });
    }
    marker = page.NextMarker;
  } while (marker);
  return versions;
}

export async function deleteLayerVersion(clients: AwsClients, version: LayerVersionRef): Promise<void> {
  await clients.lambda.send(new DeleteLayerVersionCommand({ LayerName: version.layerName, VersionNumber: version.version }));
}

export interface LiveLayerVersion {
  readonly codeSha256?: string;
  readonly location?: string;
  readonly compatibleRuntimes: readonly string[];
  readonly compatibleArchitectures: readonly string[];
}

/** A layer version as Lambda describes it; undefined when it does not exist. */
export async function describeLayerVersion(clients: AwsClients, arn: string): Promise<LiveLayerVersion | undefined> {
  const parsed = parseLayerArn(arn);
  if (!parsed) return undefined;
  try {
    const version = await clients.lambda.send(new GetLayerVersionCommand({ LayerName: arn.replace(/:\d+$/, ''), VersionNumber: parsed.version }));
    return {
      ...(version.Content?.CodeSha256 ? { codeSha256: version.Content.CodeSha256 } : {}),
      ...(version.Content?.Location ? { location: version.Content.Location } : {}),
      compatibleRuntimes: version.CompatibleRuntimes ?? [],
      compatibleArchitectures: version.CompatibleArchitectures ?? [],
    };
  } catch (error) {
    if (awsError(error).name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}

/** The function as Lambda runs it; undefined when it does not exist. */
export async function describeFunction(
  clients: AwsClients,
  functionName: string,
): Promise<{ layers: string[]; runtime: string; architectures: string[] } | undefined> {
  try {
    const config = await clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: functionName }));
    return {
      layers: (config.Layers ?? []).map((layer) => layer.Arn!).filter(Boolean),
      runtime: config.Runtime ?? '',
      architectures: config.Architectures ?? ['x86_64'],
    };
  } catch (error) {
    if (awsError(error).name === 'ResourceNotFoundException') return undefined;
    throw error;
  }
}
