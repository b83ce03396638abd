import { DeleteLayerVersionCommand, GetFunctionConfigurationCommand, GetLayerVersionCommand } from '@aws-sdk/client-lambda';
import { parseLayerArn } from '../history/terraform-state';
import { AwsClients, awsError } from './clients';

/** A layer version and a function as verify reads them, and the prune's delete. */

export async function deleteLayerVersion(clients: AwsClients, version: { readonly layerName: string; readonly version: number }): Promise<void> {
  await clients.lambda.send(new DeleteLayerVersionCommand({ LayerName: version.layerName, VersionNumber: version.version }));
}

export interface LiveLayerVersion {
  readonly codeSha256?: string;
  readonly location?: string;
  readonly description?: string;
  /** The zip's bytes. */
  readonly codeSize?: number;
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
      ...(version.Content?.CodeSize !== undefined ? { codeSize: version.Content.CodeSize } : {}),
      ...(version.Content?.Location ? { location: version.Content.Location } : {}),
      ...(version.Description !== undefined ? { description: version.Description } : {}),
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
