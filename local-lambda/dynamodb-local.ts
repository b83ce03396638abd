import { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import dynalite from 'dynalite';
import { MESSAGES_TABLE } from '../handlers/api/messages-table';

/** Credentials the local function signs with; dynalite checks that a signature is present, not its value. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local', sessionToken: 'local' } as const;

export interface LocalDynamoDb {
  readonly endpoint: string;
  stop(): Promise<void>;
}

/** A DynamoDB-compatible server (dynalite, in memory) on a loopback port. */
export async function startLocalDynamoDb(port = 0): Promise<LocalDynamoDb> {
  const server: Server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    endpoint,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as Server & { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}

/**
 * One call of DynamoDB's JSON protocol against a local endpoint, without the SDK:
 * the tooling stays light and local endpoints do not verify signatures.
 */
export async function localDynamoDbCall(endpoint: string, operation: string, input: object): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `DynamoDB_20120810.${operation}`,
      'x-amz-date': '20260101T000000Z',
      authorization: 'AWS4-HMAC-SHA256 Credential=local/20260101/local/dynamodb/aws4_request, SignedHeaders=host, Signature=local',
    },
    body: JSON.stringify(input),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Creates the messages table with the same keys the stack defines; an existing table is kept. */
export async function ensureMessagesTable(endpoint: string, tableName: string): Promise<void> {
  const { status, body } = await localDynamoDbCall(endpoint, 'CreateTable', {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: MESSAGES_TABLE.partitionKey, AttributeType: 'S' },
      { AttributeName: MESSAGES_TABLE.sortKey, AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: MESSAGES_TABLE.partitionKey, KeyType: 'HASH' },
      { AttributeName: MESSAGES_TABLE.sortKey, KeyType: 'RANGE' },
    ],
  });
  if (status !== 200 && !String(body['__type']).endsWith('ResourceInUseException')) {
    throw new Error(`creating table ${tableName} at ${endpoint} failed: ${JSON.stringify(body)}`);
  }
}
