import { GetBucketVersioningCommand, GetObjectCommand, HeadObjectCommand, ListObjectVersionsCommand } from '@aws-sdk/client-s3';
import { StateVersion, UnreadableStateVersion } from '../history/deployments';
import { DeploymentState, StateFormatError, readDeploymentState } from '../history/terraform-state';
import { stateBucketMissing, stateBucketUnreadable, stateMissing, stateUnreadable, stateVersioningOff } from './errors';
import { AwsClients, awsError } from './clients';

/** Reads of the state bucket: a stack's state, every kept version of it, and the kept function code. */

/**
 * Every stored version of a stack's state object, and those that could not be read as state (each with
 * its version id and why); refuses when the bucket keeps no history.
 */
export async function stateVersions(
  clients: AwsClients,
  bucket: string,
  key: string,
): Promise<{ readable: StateVersion[]; unreadable: UnreadableStateVersion[] }> {
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
      if (version.Key === key && version.VersionId)
        listed.push({ versionId: version.VersionId, lastModified: (version.LastModified ?? new Date(0)).toISOString() });
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
