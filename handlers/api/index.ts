import { handle } from 'hono/aws-lambda';
import { createApp } from './app';
import { DynamoMessagesStore } from './messages-store';

const tableName = process.env['TABLE_NAME'];
if (!tableName) throw new Error('TABLE_NAME is not set; the stack sets it on the function');

/** Lambda entry point (`index.handler`): API Gateway HTTP API payload 2.0 in, response out. */
export const handler = handle(
  createApp({
    store: new DynamoMessagesStore(tableName),
    version: process.env['APP_VERSION'] ?? 'unknown',
    messageTtlDays: Number(process.env['MESSAGE_TTL_DAYS'] ?? '0') || 0,
  }),
);
