import { S3Client } from '@aws-sdk/client-s3';
import { LambdaClient } from '@aws-sdk/client-lambda';

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

export function awsError(error: unknown): { name: string; message: string } {
  return { name: (error as { name?: string }).name ?? 'Error', message: (error as Error).message };
}
