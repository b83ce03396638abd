import { Construct } from 'constructs';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { EnvironmentConfig, tableNameOf } from '../config/environments';
import { MESSAGES_TABLE } from '../handlers/api/messages-table';

export interface MessagesTableProps {
  readonly env: EnvironmentConfig;
}

/** The messages table: on-demand, point-in-time recovery, encrypted at rest. */
export class MessagesTable extends Construct {
  public readonly table: DynamodbTable;

  constructor(scope: Construct, id: string, props: MessagesTableProps) {
    super(scope, id);
    this.table = new DynamodbTable(this, 'table', {
      name: tableNameOf(props.env),
      billingMode: 'PAY_PER_REQUEST',
      hashKey: MESSAGES_TABLE.partitionKey,
      rangeKey: MESSAGES_TABLE.sortKey,
      attribute: [
        { name: MESSAGES_TABLE.partitionKey, type: 'S' },
        { name: MESSAGES_TABLE.sortKey, type: 'S' },
      ],
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true },
      deletionProtectionEnabled: props.env.deletionProtection,
    });
  }
}
