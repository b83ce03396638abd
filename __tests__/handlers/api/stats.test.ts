import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { countMessages, handler, statsAnswer } from '../../../handlers/api/stats';
import { DynamoMessagesStore } from '../../../handlers/api/messages-store';
import { newMessageId } from '../../../handlers/api/message-ids';
import { LOCAL_CREDENTIALS, LocalDynamoDb, ensureMessagesTable, startLocalDynamoDb } from '../../../local-lambda/dynamodb-local';

/** The Node.js service's second function against a real DynamoDB-compatible server (dynalite). */
const TABLE = 'svc-dev-messages';

describe('GET /api/stats, the Node.js stats function', () => {
  let dynamo: LocalDynamoDb;
  let client: DynamoDBClient;
  const saved = { ...process.env };

  beforeAll(async () => {
    dynamo = await startLocalDynamoDb();
    await ensureMessagesTable(dynamo.endpoint, TABLE);
    client = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'ap-northeast-1', credentials: LOCAL_CREDENTIALS });
    const store = new DynamoMessagesStore(TABLE, client);
    const now = Math.floor(Date.now() / 1000);
    for (let i = 0; i < 3; i++) {
      const id = newMessageId();
      await store.create({ id, content: `hi ${i}`, author: 'ann', created_at: new Date().toISOString() }, i === 2 ? now - 60 : undefined);
    }
    Object.assign(process.env, {
      TABLE_NAME: TABLE,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_REGION: 'ap-northeast-1',
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    });
  });

  afterAll(async () => {
    process.env = saved;
    client?.destroy();
    await dynamo?.stop();
  });

  it('counts the messages that have not expired, page by page, reading none', async () => {
    expect(await countMessages(client, TABLE, Math.floor(Date.now() / 1000))).toBe(2);
    // Before the third expired, it counts.
    expect(await countMessages(client, TABLE, Math.floor(Date.now() / 1000) - 3600)).toBe(3);
    const pages: unknown[] = [];
    const paging = {
      send: (command: { input: unknown }) => (
        pages.push(command.input),
        Promise.resolve(pages.length === 1 ? { Count: 5, LastEvaluatedKey: { pk: { S: 'MESSAGE' } } } : { Count: 2 })
      ),
    };
    expect(await countMessages(paging as never, TABLE, 0)).toBe(7);
    expect(pages).toHaveLength(2);
    expect(pages[1]).toMatchObject({ Select: 'COUNT', ExclusiveStartKey: { pk: { S: 'MESSAGE' } } });
  });

  it('answers API Gateway with the count, the rollout probe with its token, and a store that is down with 503 JSON', async () => {
    expect(await handler({ version: '2.0', routeKey: 'GET /api/stats', rawPath: '/api/stats' })).toEqual({
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: '{"messages":2}',
    });
    expect(await handler({ probe: 't-3' })).toEqual({ probe: 't-3', function: 'stats', version: expect.any(String) });
    const unreachable = new DynamoDBClient({ endpoint: 'http://127.0.0.1:9', region: 'ap-northeast-1', credentials: LOCAL_CREDENTIALS, maxAttempts: 1 });
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const down = await statsAnswer(unreachable, TABLE, 0);
      expect([down.statusCode, JSON.parse(down.body)]).toEqual([503, { error: 'store_unavailable', message: expect.any(String) }]);
      expect(error).toHaveBeenCalledWith('counting the messages failed', expect.anything());
    } finally {
      error.mockRestore();
      unreachable.destroy();
    }
  });
});
