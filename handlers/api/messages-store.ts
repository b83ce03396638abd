import { DynamoDBClient, PutItemCommand, QueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { MESSAGES_TABLE, StoredMessage } from './messages-table';

export interface MessagesPage {
  /** Newest first. */
  readonly messages: StoredMessage[];
  /** The id of the last message when older ones follow; absent on the last page. */
  readonly nextAfter?: string;
}

export interface MessagesStore {
  /** Newest first, at most `limit`, older than message `after` when given. */
  list(limit: number, after?: string): Promise<MessagesPage>;
  /** Writes one message in a single conditional put: it is stored whole or not at all; `expiresAt` (epoch seconds) for TTL. */
  create(message: StoredMessage, expiresAt?: number): Promise<void>;
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

  constructor(
    private readonly tableName: string,
    client?: DynamoDBClient,
  ) {
    this.client =
      client ??
      new DynamoDBClient({
        maxAttempts: 2,
        requestHandler: { connectionTimeout: 1000, requestTimeout: 5000 },
      });
  }

  async list(limit: number, after?: string): Promise<MessagesPage> {
    const messages: StoredMessage[] = [];
    // One more than a page tells whether another page follows, without an empty last page.
    const wanted = limit + 1;
    let startKey: Record<string, AttributeValue> | undefined = after
      ? { [MESSAGES_TABLE.partitionKey]: { S: MESSAGES_TABLE.partition }, [MESSAGES_TABLE.sortKey]: { S: after } }
      : undefined;
    try {
      do {
        const page = await this.client.send(
          new QueryCommand({
            TableName: this.tableName,
            KeyConditionExpression: '#pk = :pk',
            // TTL deletes within days of expiry, not at once: an expired message is left out until it is gone.
            FilterExpression: 'attribute_not_exists(#expires) OR #expires > :now',
            ExpressionAttributeNames: { '#pk': MESSAGES_TABLE.partitionKey, '#expires': MESSAGES_TABLE.expiresAt },
            ExpressionAttributeValues: { ':pk': { S: MESSAGES_TABLE.partition }, ':now': { N: String(Math.floor(Date.now() / 1000)) } },
            ScanIndexForward: false,
            Limit: wanted - messages.length,
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
      } while (startKey && messages.length < wanted);
    } catch (error) {
      throw new StoreUnavailableError(error);
    }
    const page = messages.slice(0, limit);
    return messages.length > limit ? { messages: page, nextAfter: page[page.length - 1].id } : { messages: page };
  }

  async create(message: StoredMessage, expiresAt?: number): Promise<void> {
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
            ...(expiresAt !== undefined ? { [MESSAGES_TABLE.expiresAt]: { N: String(expiresAt) } } : {}),
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
