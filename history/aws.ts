import {
  GetBucketVersioningCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectVersionsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import {
  DeleteLayerVersionCommand,
  GetFunctionConfigurationCommand,
  GetLayerVersionCommand,
  LambdaClient,
  ListFunctionsCommand,
  ListLayerVersionsCommand,
} from '@aws-sdk/client-lambda';
import { stateBucketMissing, stateBucketUnreadable, stateMissing, stateUnreadable, stateVersioningOff } from '../project/errors';
import { StateVersion, UnreadableStateVersion } from './deployments';
import { LayerConsumer, LayerVersionRef } from './prune-plan';
import { DeploymentState, StateFormatError, parseLayerArn, readDeploymentState } from './terraform-state';

/**
 * Thin calls to S3 and Lambda with the AWS SDK for JavaScript v3. Endpoint,
 * region and credentials come from the SDK's usual chain (AWS_ENDPOINT_URL,
 * AWS_REGION, profiles, roles), so any S3- and Lambda-compatible endpoint works.
 */
export interface AwsClients {
  readonly s3: S3Client;
  readonly lambda: LambdaClient;
}

/** An S3 client for the region; path-style addressing when an endpoint is set, which every S3-compatible endpoint (AWS included) answers. */
export function s3Client(region: string): S3Client {
  const forcePathStyle = Boolean(process.env['AWS_ENDPOINT_URL'] || process.env['AWS_ENDPOINT_URL_S3']);
  return new S3Client({ region, forcePathStyle });
}

export function awsClients(region: string): AwsClients {
  return { s3: s3Client(region), lambda: new LambdaClient({ region }) };
}

function awsError(error: unknown): { name: string; message: string } {
  return { name: (error as { name?: string }).name ?? 'Error', message: (error as Error).message };
}

/**
 * Every stored version of a stack's state object, and those that could not be read as state (each with
 * its version id and why); refuses when the bucket keeps no history.
 */
export async function stateVersions(clients: AwsClients, bucket: string, key: string): Promise<{ readable: StateVersion[]; unreadable: UnreadableStateVersion[] }> {
  let status: string | undefined;
  try {
    status = (await clients.s3.send(new GetBucketVersioningCommand({ Bucket: bucket }))).Status;
  } catch (error) {
    const { name, message } = awsError(error);
    if (name === 'NoSuchBucket') throw stateBucketMissing(bucket);
    throw stateBucketUnreadable(bucket, name, message);
  }
  if (status !== 'Enabled') {
    throw stateVersioningOff(bucket, status);
  }
  const listed: { versionId: string; lastModified: string }[] = [];
  let keyMarker: string | undefined;
  let versionMarker: string | undefined;
  do {
    const page = await clients.s3.send(new ListObjectVersionsCommand({ Bucket: bucket, Prefix: key, KeyMarker: keyMarker, VersionIdMarker: versionMarker }));
    for (const version of page.Versions ?? []) {
      if (version.Key === key && version.VersionId) listed.push({ versionId: version.VersionId, lastModified: (version.LastModified ?? new Date(0)).toISOString() });
    }
    keyMarker = page.IsTruncated ? page.NextKeyMarker : undefined;
    versionMarker = page.IsTruncated ? page.NextVersionIdMarker : undefined;
  } while (keyMarker);
  const readable: StateVersion[] = [];
  const unreadable: UnreadableStateVersion[] = [];
  for (const version of listed) {
    const object = await clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: version.versionId }));
    const text = await object.Body!.transformToString('utf8');
    try {
      readable.push({ ...version, state: readDeploymentState(text) });
    } catch (error) {
      if (!(error instanceof StateFormatError)) throw error;
      unreadable.push({ ...version, reason: error.message });
    }
  }
  return { readable, unreadable };
}

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

/** Whether an object version (the kept function code) is still in the artifact bucket. */
export async function objectVersionExists(clients: AwsClients, bucket: string, key: string, version?: string): Promise<boolean> {
  try {
    await clients.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, VersionId: version }));
    return true;
  } catch (error) {
    const { name } = awsError(error);
    if (name === 'NotFound' || name === 'NoSuchKey' || name === 'NoSuchVersion' || name === 'NoSuchBucket') return false;
    throw error;
  }
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

/** The stack's current state (the newest version of its state object). */
export async function currentState(clients: AwsClients, bucket: string, key: string): Promise<DeploymentState> {
  let text: string;
  try {
    const object = await clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    text = await object.Body!.transformToString('utf8');
  } catch (error) {
    const { name, message } = awsError(error);
    if (name === 'NoSuchKey' || name === 'NoSuchBucket') {
      throw stateMissing(bucket, key);
    }
    throw stateUnreadable(bucket, key, `${name}: ${message}`);
  }
  try {
    return readDeploymentState(text);
  } catch (error) {
    throw stateUnreadable(bucket, key, `it is ${(error as Error).message}`);
  }
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
export async function describeFunction(clients: AwsClients, functionName: string): Promise<{ layers: string[]; runtime: string; architectures: string[] } | undefined> {
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
