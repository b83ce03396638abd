import { UserError } from '../project/errors';

/** The state bucket and Lambda, read through AWS: the errors a user can fix, one factory each, each message made from the values it names. */

export const AWS_ERROR_CODES = [
  'LAMBDA_UNREADABLE',
  'STATE_BUCKET_MISSING',
  'STATE_BUCKET_UNREADABLE',
  'STATE_MISSING',
  'STATE_UNREADABLE',
  'STATE_VERSIONING_OFF',
] as const;
export type AwsErrorCode = (typeof AWS_ERROR_CODES)[number];

export function stateBucketMissing(bucket: string): UserError<AwsErrorCode> {
  return new UserError<AwsErrorCode>('STATE_BUCKET_MISSING', `The state bucket ${bucket} does not exist; check STATE_BUCKET or stateBucket in cdktf.json.`);
}

export function stateBucketUnreadable(bucket: string, errorName: string, awsSays: string): UserError<AwsErrorCode> {
  return new UserError<AwsErrorCode>(
    'STATE_BUCKET_UNREADABLE',
    `Cannot read the state bucket ${bucket} (${errorName}: ${awsSays}). Check the credentials and AWS_REGION.`,
  );
}

export function stateVersioningOff(bucket: string, status: string | undefined): UserError<AwsErrorCode> {
  return new UserError<AwsErrorCode>(
    'STATE_VERSIONING_OFF',
    `History needs versioning on the state bucket ${bucket}, and it is ${status ? status.toLowerCase() : 'off'}: without it every deploy overwrites the last. ` +
      `Turn it on with \`aws s3api put-bucket-versioning --bucket ${bucket} --versioning-configuration Status=Enabled\` ` +
      '(the bootstrap stack does); history starts from the next deploy.',
  );
}

export function stateMissing(bucket: string, key: string): UserError<AwsErrorCode> {
  return new UserError<AwsErrorCode>(
    'STATE_MISSING',
    `There is no state at s3://${bucket}/${key}: the stack has not been deployed (or STATE_BUCKET points elsewhere).`,
  );
}

export function stateUnreadable(bucket: string, key: string, why: string): UserError<AwsErrorCode> {
  return new UserError<AwsErrorCode>('STATE_UNREADABLE', `Cannot read s3://${bucket}/${key} (${why}).`);
}

/** A Lambda read that failed for another reason than a missing function or version: the call, and what may fix it. */
export function lambdaUnreadable(what: string, permissions: string, error: unknown): UserError<AwsErrorCode> {
  const name = (error as { name?: string }).name ?? 'Error';
  const message = (error as Error).message;
  const hint = /AccessDenied/.test(name)
    ? `give the caller ${permissions} on it`
    : 'check the credentials, AWS_REGION, AWS_ENDPOINT_URL (when set) and the network, then run it again (Lambda throttles; the SDK retries only a few times)';
  return new UserError<AwsErrorCode>('LAMBDA_UNREADABLE', `Lambda could not be read for the ${what} (${name}: ${message}): ${hint}.`);
}
