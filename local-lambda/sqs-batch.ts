/**
 * How Lambda's event source mapping hands an SQS batch to a function and reads the answer, as pure functions: the
 * event's records, and which messages the batch response says failed (ReportBatchItemFailures). The local poller
 * (local-lambda/local-queue.ts) deletes the others and leaves the failed ones for SQS to deliver again.
 * https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-errorhandling.html
 */

/** A message as SQS's ReceiveMessage gives it (the fields the event needs). */
export interface ReceivedMessage {
  readonly MessageId?: string;
  readonly ReceiptHandle?: string;
  readonly Body?: string;
  readonly MD5OfBody?: string;
  readonly Attributes?: Readonly<Record<string, string>>;
  readonly MessageAttributes?: Readonly<Record<string, { readonly StringValue?: string; readonly DataType?: string }>>;
}

export interface SqsRecord {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly messageAttributes: Readonly<Record<string, { stringValue?: string; dataType?: string; stringListValues: []; binaryListValues: [] }>>;
  readonly md5OfBody: string;
  readonly eventSource: 'aws:sqs';
  readonly eventSourceARN: string;
  readonly awsRegion: string;
}

/** The event Lambda invokes the function with for a batch of messages. */
export function sqsEvent(messages: readonly ReceivedMessage[], queueArn: string, region: string): { Records: SqsRecord[] } {
  return {
    Records: messages.map((message) => ({
      messageId: message.MessageId ?? '',
      receiptHandle: message.ReceiptHandle ?? '',
      body: message.Body ?? '',
      attributes: { ...(message.Attributes ?? {}) },
      messageAttributes: Object.fromEntries(
        Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [
          name,
          {
            ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
            ...(value.DataType ? { dataType: value.DataType } : {}),
            stringListValues: [],
            binaryListValues: [],
          },
        ]),
      ),
      md5OfBody: message.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: region,
    })),
  };
}

/** What the function's answer means for the batch: the messages that go back to the queue, and why when it is all of them. */
export interface BatchOutcome {
  readonly failed: readonly string[];
  /** Why the whole batch failed (a function error, an answer Lambda cannot read); absent for a success or a partial failure. */
  readonly whole?: string;
}

/**
 * Which messages of a batch failed, by Lambda's rules: a function error fails all; an answer with no batchItemFailures
 * (null, {}, an empty list) fails none; one naming an empty, missing or unknown message id, or that is not a batch
 * response at all, fails all; otherwise the messages it names.
 */
export function batchOutcome(
  answer: { readonly ok: true; readonly payload: unknown } | { readonly ok: false; readonly errorType: string },
  messageIds: readonly string[],
): BatchOutcome {
  if (!answer.ok) return { failed: [...messageIds], whole: `the function failed (${answer.errorType})` };
  const payload = answer.payload;
  if (payload === null || payload === undefined) return { failed: [] };
  if (typeof payload !== 'object' || Array.isArray(payload)) return { failed: [...messageIds], whole: 'the answer is not a batch response' };
  const failures = (payload as Record<string, unknown>)['batchItemFailures'];
  if (failures === undefined || failures === null) return { failed: [] };
  if (!Array.isArray(failures)) return { failed: [...messageIds], whole: 'batchItemFailures is not a list' };
  const failed = new Set<string>();
  for (const failure of failures) {
    const id = typeof failure === 'object' && failure !== null ? (failure as Record<string, unknown>)['itemIdentifier'] : undefined;
    if (typeof id !== 'string' || id === '' || !messageIds.includes(id)) {
      return { failed: [...messageIds], whole: `batchItemFailures names ${JSON.stringify(id ?? failure)}, not a message of the batch` };
    }
    failed.add(id);
  }
  return { failed: messageIds.filter((id) => failed.has(id)) };
}
