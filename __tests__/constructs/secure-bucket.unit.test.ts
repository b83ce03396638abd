import { Testing } from 'cdktf';
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { SecureBucket, secureBucketProblems } from '../../constructs/secure-bucket';

describe('SecureBucket', () => {
  it('is versioned, private and encrypted, with SSE-S3 unless given a key', () => {
    const text = Testing.synthScope((scope) => new SecureBucket(scope, 'b', { bucketName: 'acme-artifacts', noncurrentVersionDays: 365 }));
    expect(text).toHaveResourceWithProperties(S3Bucket, { bucket: 'acme-artifacts' });
    expect(text).toHaveResourceWithProperties(S3BucketVersioningA, { versioning_configuration: { status: 'Enabled' } });
    expect(text).toHaveResourceWithProperties(S3BucketPublicAccessBlock, {
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(text).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      rule: [{ apply_server_side_encryption_by_default: { sse_algorithm: 'AES256' }, bucket_key_enabled: true }],
    });
  });

  it('uses the customer-managed key it is given', () => {
    const text = Testing.synthScope(
      (scope) =>
        new SecureBucket(scope, 'b', { bucketName: 'acme-state', noncurrentVersionDays: 90, kmsKeyArn: 'arn:aws:kms:ap-northeast-1:123456789012:key/k' }),
    );
    expect(text).toHaveResourceWithProperties(S3BucketServerSideEncryptionConfigurationA, {
      rule: [
        {
          apply_server_side_encryption_by_default: { sse_algorithm: 'aws:kms', kms_master_key_id: 'arn:aws:kms:ap-northeast-1:123456789012:key/k' },
          bucket_key_enabled: true,
        },
      ],
    });
  });

  it('refuses a name S3 would refuse and a retention of no days', () => {
    expect(secureBucketProblems({ bucketName: 'ok-bucket', noncurrentVersionDays: 1 })).toEqual([]);
    expect(() => Testing.synthScope((scope) => new SecureBucket(scope, 'b', { bucketName: 'Not_A_Bucket', noncurrentVersionDays: 0 }))).toThrow(
      /stack\/b: bucketName "Not_A_Bucket" is not an S3 bucket name; noncurrentVersionDays 0 is not a whole number of days, at least 1\.$/,
    );
  });
});
