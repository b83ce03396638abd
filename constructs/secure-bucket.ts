import { Construct } from 'constructs';
import { DataAwsIamPolicyDocument, DataAwsIamPolicyDocumentStatement } from '@cdktf/provider-aws/lib/data-aws-iam-policy-document';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { rejectInvalidProps } from './props';

export interface SecureBucketProps {
  readonly bucketName: string;
  /**
   * Days a noncurrent object version is kept before it expires.
   * @example 90
   */
  readonly noncurrentVersionDays: number;
  /**
   * A customer-managed KMS key (ARN) for default encryption (SSE-KMS, with an S3 bucket key).
   * @default - SSE-S3 (AES256)
   */
  readonly kmsKeyArn?: string;
  /**
   * More bucket policy statements, after the one that refuses plain HTTP.
   * @default - none
   */
  readonly policyStatements?: readonly DataAwsIamPolicyDocumentStatement[];
}

/** What is wrong with the props, in words; empty when nothing is. */
export function secureBucketProblems(props: Pick<SecureBucketProps, 'bucketName' | 'noncurrentVersionDays'>): string[] {
  const problems: string[] = [];
  // A Terraform reference (the bootstrap passes names it computes) is checked by AWS; a literal name here.
  if (!props.bucketName.startsWith('${') && !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(props.bucketName))
    problems.push(`bucketName ${JSON.stringify(props.bucketName)} is not an S3 bucket name`);
  if (!(Number.isInteger(props.noncurrentVersionDays) && props.noncurrentVersionDays >= 1))
    problems.push(`noncurrentVersionDays ${props.noncurrentVersionDays} is not a whole number of days, at least 1`);
  return problems;
}

/**
 * A private, versioned, encrypted bucket that refuses plain HTTP: public access
 * blocked, objects owned by the bucket owner, old versions expiring after a while;
 * encrypted with a customer-managed key when one is given.
 */
export class SecureBucket extends Construct {
  public readonly bucket: S3Bucket;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    rejectInvalidProps(this, secureBucketProblems(props));
    this.bucket = new S3Bucket(this, 'bucket', { bucket: props.bucketName });
    new S3BucketVersioningA(this, 'versioning', { bucket: this.bucket.id, versioningConfiguration: { status: 'Enabled' } });
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket: this.bucket.id,
      rule: [
        {
          applyServerSideEncryptionByDefault: props.kmsKeyArn ? { sseAlgorithm: 'aws:kms', kmsMasterKeyId: props.kmsKeyArn } : { sseAlgorithm: 'AES256' },
          bucketKeyEnabled: true,
        },
      ],
    });
    new S3BucketPublicAccessBlock(this, 'public-access', {
      bucket: this.bucket.id,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, 'ownership', { bucket: this.bucket.id, rule: { objectOwnership: 'BucketOwnerEnforced' } });
    const tlsOnly = new DataAwsIamPolicyDocument(this, 'tls-only', {
      statement: [
        {
          sid: 'DenyPlainHttp',
          effect: 'Deny',
          principals: [{ type: '*', identifiers: ['*'] }],
          actions: ['s3:*'],
          resources: [this.bucket.arn, `${this.bucket.arn}/*`],
          condition: [{ test: 'Bool', variable: 'aws:SecureTransport', values: ['false'] }],
        },
        ...(props.policyStatements ?? []),
      ],
    });
    new S3BucketPolicy(this, 'policy', { bucket: this.bucket.id, policy: tlsOnly.json });
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket: this.bucket.id,
      rule: [
        {
          id: 'expire-noncurrent-versions',
          status: 'Enabled',
          filter: [{ prefix: '' }],
          noncurrentVersionExpiration: [{ noncurrentDays: props.noncurrentVersionDays }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 7 }],
        },
      ],
    });
  }
}
