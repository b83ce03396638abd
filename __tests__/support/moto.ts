import * as path from 'node:path';
import { BucketLocationConstraint, CreateBucketCommand, PutBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import { startMotoServer } from '../../family-plugins/python/moto-server';
import { PROJECT_ROOT } from './processes';

export interface MotoServer {
  readonly endpoint: string;
  /** Environment for the SDK and the CLI: endpoint, region, dummy credentials. */
  readonly env: Record<string, string>;
  /** Client configuration for the SDK's clients: this server, path-style S3, dummy credentials. */
  readonly sdk: { region: string; endpoint: string; forcePathStyle: true; credentials: { accessKeyId: string; secretAccessKey: string } };
  stop(): Promise<void>;
}

/** A page that fails, every time it is asked for (page 2 is the first asked for with a marker). */
export interface LambdaFault {
  readonly operation: 'ListFunctions' | 'ListVersionsByFunction' | 'ListAliases' | 'ListLayerVersions' | 'ListLayers' | 'GetLayerVersion';
  readonly function?: string;
  readonly layer?: string;
  readonly page: number;
  /** Lambda's error code, TooManyRequestsException (429) unless said. */
  readonly error?: string;
  readonly status?: number;
}

/** Lambda's list calls paged as Lambda pages them, at most `pageSize` items a page, and faults (moto_lambda_pages.py). */
export interface LambdaPaging {
  readonly pageSize: number;
  readonly faults?: readonly LambdaFault[];
}

/**
 * moto's AWS server (`python -m moto.server` of the project's Python toolchain, pinned in
 * toolchain/requirements.lock.txt), on a free loopback port. When it cannot start this fails; it does not skip.
 */
export async function startMoto(region = 'ap-northeast-1', lambda?: LambdaPaging): Promise<MotoServer> {
  const server = await startMotoServer({
    env: process.env,
    toolHome: PROJECT_ROOT,
    ...(lambda
      ? {
          script: {
            path: path.join(PROJECT_ROOT, '__tests__', 'support', 'moto_lambda_pages.py'),
            env: { LAMBDA_PAGE_SIZE: String(lambda.pageSize), LAMBDA_FAULTS: JSON.stringify(lambda.faults ?? []) },
          },
        }
      : {}),
  });
  const { endpoint } = server;
  return {
    endpoint,
    env: {
      AWS_ENDPOINT_URL: endpoint,
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      AWS_ACCESS_KEY_ID: 'testing',
      AWS_SECRET_ACCESS_KEY: 'testing',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    sdk: { region, endpoint, forcePathStyle: true, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } },
    stop: () => server.stop(),
  };
}

/** A bucket in the server's region, versioned (as the state and artifact buckets are) unless asked not to be. */
export async function createBucket(moto: MotoServer, s3: S3Client, bucket: string, versioned = true): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: moto.sdk.region as BucketLocationConstraint } }));
  if (versioned) await s3.send(new PutBucketVersioningCommand({ Bucket: bucket, VersioningConfiguration: { Status: 'Enabled' } }));
}
