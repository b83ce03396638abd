import { Construct } from 'constructs';
import { DynamodbTable } from '@cdktf/provider-aws/lib/dynamodb-table';
import { MESSAGES_TABLE } from '../handlers/api/messages-table';
import { rejectInvalidProps } from './props';

export interface MessagesTableProps {
  /** The table's name: 3 to 255 letters, digits, "_", "-" and ".". */
  readonly tableName: string;
  /**
   * Whether the table refuses to be deleted (prod).
   * @default false
   */
  readonly deletionProtection?: boolean;
}

/** What is wrong with the props, in words; empty when nothing is. */
export function messagesTableProblems(props: MessagesTableProps): string[] {
  return /^[A-Za-z0-9_.-]{3,255}$/.test(props.tableName)
    ? []
    : [`tableName ${JSON.stringify(props.tableName)} is not a DynamoDB table name (3 to 255 letters, digits, "_", "-" and ".")`];
}

/** The messages table: on-demand, point-in-time recovery, encrypted at rest, expiring messages by TTL. */
export class MessagesTable extends Construct {
  public readonly table: DynamodbTable;

  constructor(scope: Construct, id: string, props: MessagesTableProps) {
    super(scope, id);
    rejectInvalidProps(this, messagesTableProblems(props));
    this.table = new DynamodbTable(this, 'table', {
      name: props.tableName,
      billingMode: 'PAY_PER_REQUEST',
      hashKey: MESSAGES_TABLE.partitionKey,
      rangeKey: MESSAGES_TABLE.sortKey,
      attribute: [
        { name: MESSAGES_TABLE.partitionKey, type: 'S' },
        { name: MESSAGES_TABLE.sortKey, type: 'S' },
      ],
      // Messages that carry an expiry (messageTtlDays) are removed by DynamoDB after it; the others are kept.
      ttl: { attributeName: MESSAGES_TABLE.expiresAt, enabled: true },
      pointInTimeRecovery: { enabled: true },
      serverSideEncryption: { enabled: true },
      deletionProtectionEnabled: props.deletionProtection ?? false,
    });
  }
}
