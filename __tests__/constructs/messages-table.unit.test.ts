import { Testing } from 'cdktf';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { MessagesTable, messagesTableProblems } from '../../constructs/messages-table';

describe('MessagesTable', () => {
  it('is on demand, recoverable to a point in time and encrypted, with the keys the handlers use', () => {
    const text = Testing.synthScope((scope) => new MessagesTable(scope, 'messages', { tableName: 'acme-dev-messages' }));
    expect(text).toHaveResourceWithProperties(DynamodbTable, {
      name: 'acme-dev-messages',
      billing_mode: 'PAY_PER_REQUEST',
      hash_key: 'pk',
      range_key: 'sk',
      point_in_time_recovery: { enabled: true },
      server_side_encryption: { enabled: true },
      deletion_protection_enabled: false,
      // The attribute both handlers write when messageTtlDays is set.
      ttl: { attribute_name: 'expires_at', enabled: true },
    });
  });

  it('protects the table from deletion when asked', () => {
    const text = Testing.synthScope((scope) => new MessagesTable(scope, 'messages', { tableName: 'acme-prod-messages', deletionProtection: true }));
    expect(text).toHaveResourceWithProperties(DynamodbTable, { deletion_protection_enabled: true });
  });

  it('refuses a name DynamoDB would refuse, before creating anything', () => {
    expect(messagesTableProblems({ tableName: 'ok-name' })).toEqual([]);
    expect(() => Testing.synthScope((scope) => new MessagesTable(scope, 'messages', { tableName: 'no spaces' }))).toThrow(
      /messages: tableName "no spaces" is not a DynamoDB table name \(3 to 255 letters, digits, "_", "-" and "."\)\.$/,
    );
  });
});
