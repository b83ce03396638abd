import { DynamoDBClient, QueryCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { MESSAGES_TABLE } from './messages-table';

/**
 * The Node.js service's second function (`stats.handler`): `GET /api/stats` answers how many messages the table
 * holds that have not expired, counted by DynamoDB (a Query with Select COUNT, page by page) without reading one.
 * It sits behind the same HTTP API as the messages API, on its own route, alias and role (it may only read the
 * table); it imports no web framework, so the layers its imports choose leave hono out.
 */

/** The messages of the table that have not expired, counted page by page. */
export async function countMessages(client: Pick<DynamoDBClient, 'send'>, tableName: string, nowSeconds: number): Promise<number> {
  let count = 0;
  let startKey: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new QueryCommand({
        TableName: tableName,
        KeyConditionExpression: '#pk = :pk',
        FilterExpression: 'attribute_not_exists(#expires) OR #expires > :now',
        ExpressionAttributeNames: { '#pk': MESSAGES_TABLE.partitionKey, '#expires': MESSAGES_TABLE.expiresAt },
        ExpressionAttributeValues: { ':pk': { S: MESSAGES_TABLE.partition }, ':now': { N: String(nowSeconds) } },
        Select: 'COUNT',
        ExclusiveStartKey: startKey,
      }),
    );
    count += page.Count ?? 0;
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return count;
}

const json = (statusCode: number, body: unknown) => ({ statusCode, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** The answer to GET /api/stats: the count, or 503 in JSON when the table cannot be read. */
export async function statsAnswer(client: Pick<DynamoDBClient, 'send'>, tableName: string, nowSeconds: number): Promise<ReturnType<typeof json>> {
  try {
    return json(200, { messages: await countMessages(client, tableName, nowSeconds) });
  } catch (error) {
    console.error('counting the messages failed', error);
    return json(503, { error: 'store_unavailable', message: 'The message store is not available; try again shortly.' });
  }
}

let client: DynamoDBClient | undefined;

/** Lambda entry point: API Gateway HTTP API payload 2.0 in; the rollout's probe event answered without reading anything. */
export async function handler(event: unknown): Promise<unknown> {
  const probe = typeof event === 'object' && event !== null && Object.keys(event).length === 1 ? (event as { probe?: unknown }).probe : undefined;
  if (typeof probe === 'string') return { probe, function: 'stats', version: process.env['APP_VERSION'] ?? 'unknown' };
  const tableName = process.env['TABLE_NAME'];
  if (!tableName) throw new Error('TABLE_NAME is not set; the stack sets it on the function');
  client ??= new DynamoDBClient({ maxAttempts: 2, requestHandler: { connectionTimeout: 1000, requestTimeout: 5000 } });
  return statsAnswer(client, tableName, Math.floor(Date.now() / 1000));
}
