/**
 * How messages are stored: one partition, sorted by a time-ordered id, so the
 * newest come first with a single Query. Shared by the handler, the stack's
 * table definition and the local run's table.
 */
export const MESSAGES_TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** Every message lives in this partition. */
  partition: 'MESSAGE',
  /** DynamoDB's TTL attribute: epoch seconds after which the message expires (absent: kept). */
  expiresAt: 'expires_at',
} as const;

export interface StoredMessage {
  readonly id: string;
  readonly content: string;
  readonly author: string;
  readonly created_at: string;
}
