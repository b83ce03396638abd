import { DynamoDBClient, PutItemCommand, QueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { MESSAGES_TABLE, StoredMessage } from './messages-table';

export interface MessagesStore {
  /** Newest first, at most `limit`. */
  list(limit: number): Promise<StoredMessage[]>;
  /** Writes one message in a single conditional put: it is stored whole or not at all. */
  create(message: StoredMessage): Promise<void>;
}

/** A store failure the API reports as 503 without internals. */
export class StoreUnavailableError extends Error {
  constructor(cause: unknown) {
    super('message store unavailable', { cause });
    this.name = 'StoreUnavailableError';
  }
}

function text(item: Record<string, AttributeValue>, name: string): string {
  const value = item[name];
  return value && 'S' in value && typeof value.S === 'string' ? value.S : '';
}

/** DynamoDB-backed store; the endpoint comes from the SDK's usual settings (AWS_ENDPOINT_URL_DYNAMODB locally). */
export class DynamoMessagesStore implements MessagesStore {
  private readonly client: DynamoDBClient;

  constructor(private readonly tableName: string, client?: DynamoDBClient) {
    this.client =
      client ??
      new DynamoDBClient({
        maxAttempts: 2,
        requestHandler: { connectionTimeout: 1000, requestTimeout: 5000 },
      });
  }

  async list(limit: number): Promise<StoredMessage[]> {
    const messages: StoredMessage[] = [];
    let startKey: Record<string, AttributeValue> | undefined;
    try {
      do {
        const page = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: '#pk = :pk',
            ExpressionAttributeNames: { '#pk': MESSAGES_TABLE.partitionKey },
            ExpressionAttributeValues: { ':pk': { S: MESSAGES_TABLE.partition } },
            ScanIndexForward: false,
            Limit: limit - messages.length,
            ExclusiveStartKey: startKey,
          }),
        );
        for (const item of page.Items ?? []) {
          messages.push({
            id: text(item, 'id'),
            content: text(item, 'content'),
            author: text(item, 'author'),
            created_at: text(item, 'created_at'),
          });
        }
        startKey = page.LastEvaluatedKey;
      } while (startKey && messages.length < limit);
    } catch (error) {
      throw new StoreUnavailableError(error);
    }
    return messages;
  }

  async create(message: StoredMessage): Promise<void> {
    try {
      await this.client.send(
        new PutItemCommand({
          TableName: this.tableName,
          Item: {
            [MESSAGES_TABLE.partitionKey]: { S: MESSAGES_TABLE.partition },
            [MESSAGES_TABLE.sortKey]: { S: message.id },
            id: { S: message.id },
            content: { S: message.content },
            author: { S: message.author },
            created_at: { S: message.created_at },
          },
          ConditionExpression: 'attribute_not_exists(#sk)',
          ExpressionAttributeNames: { '#sk': MESSAGES_TABLE.sortKey },
        }),
      );
    } catch (error) {
      throw new StoreUnavailableError(error);
    }
  }
}
