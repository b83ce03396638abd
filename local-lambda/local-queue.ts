import { CreateQueueCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DEAD_LETTER_SUFFIX, visibilityTimeoutOf } from '../config/functions';
import { InvokeResult } from './local-function';
import { batchOutcome, sqsEvent } from './sqs-batch';

/**
 * The queues of a local run, on an SQS-compatible server (moto's, from the project's toolchain), and the poller that
 * does what Lambda's event source mapping does: receive a batch, invoke the worker with Lambda's SQS event, delete the
 * messages the answer does not name as failed. A failed message comes back after the queue's visibility timeout and,
 * after maxReceiveCount receives, SQS moves it to the dead-letter queue, as on AWS.
 */

/** An SQS-compatible server on a loopback port. */
export interface QueueServer {
  readonly endpoint: string;
  stop(): Promise<void>;
}

export interface LocalQueue {
  readonly name: string;
  readonly url: string;
  readonly arn: string;
  readonly deadLetterUrl: string;
}

/** Credentials the local clients sign with; the local server checks that there is a signature, not its value. */
export const LOCAL_SQS_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

export function localSqsClient(endpoint: string, region: string): SQSClient {
  return new SQSClient({ endpoint, region, credentials: LOCAL_SQS_CREDENTIALS, maxAttempts: 2 });
}

async function arnOf(client: SQSClient, url: string): Promise<string> {
  const attributes = await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }));
  return attributes.Attributes?.['QueueArn'] ?? '';
}

/** A function's queue and its dead-letter queue, as the stack makes them: the visibility timeout and the redrive policy. */
export async function createLocalQueue(
  client: SQSClient,
  name: string,
  settings: { readonly timeoutSeconds: number; readonly maxReceiveCount: number },
): Promise<LocalQueue> {
  const deadLetters = await client.send(new CreateQueueCommand({ QueueName: `${name}${DEAD_LETTER_SUFFIX}` }));
  const deadLetterArn = await arnOf(client, deadLetters.QueueUrl!);
  const created = await client.send(
    new CreateQueueCommand({
      QueueName: name,
      Attributes: {
        VisibilityTimeout: String(visibilityTimeoutOf(settings.timeoutSeconds)),
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: deadLetterArn, maxReceiveCount: settings.maxReceiveCount }),
      },
    }),
  );
  return { name, url: created.QueueUrl!, arn: await arnOf(client, created.QueueUrl!), deadLetterUrl: deadLetters.QueueUrl! };
}

export interface PollerOptions {
  readonly client: SQSClient;
  readonly queue: LocalQueue;
  readonly region: string;
  /** Messages per batch, at most 10 (what one ReceiveMessage gives). */
  readonly batchSize: number;
  readonly invoke: (event: unknown) => Promise<InvokeResult>;
  readonly log: (line: string) => void;
  /** Seconds each receive waits for a message (long polling). @default 1 */
  readonly waitSeconds?: number;
}

/** Lambda's event source mapping for one queue, locally: started, it polls until stopped. */
export class QueuePoller {
  private running = false;
  private loop?: Promise<void>;

  constructor(private readonly options: PollerOptions) {}

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loop = this.poll();
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.loop;
  }

  /** One receive and, when it got messages, one invocation; how many messages it handed over. */
  async pollOnce(): Promise<number> {
    const { client, queue, log } = this.options;
    const received = await client.send(
      new ReceiveMessageCommand({
        QueueUrl: queue.url,
        MaxNumberOfMessages: Math.min(10, Math.max(1, this.options.batchSize)),
        WaitTimeSeconds: this.options.waitSeconds ?? 1,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    const messages = received.Messages ?? [];
    if (messages.length === 0) return 0;
    const ids = messages.map((message) => message.MessageId ?? '');
    const result = await this.options.invoke(sqsEvent(messages, queue.arn, this.options.region));
    const outcome = batchOutcome(result.ok ? { ok: true, payload: result.payload } : { ok: false, errorType: result.errorType }, ids);
    const done = messages.filter((message) => !outcome.failed.includes(message.MessageId ?? ''));
    if (done.length) {
      await client.send(
        new DeleteMessageBatchCommand({ QueueUrl: queue.url, Entries: done.map((message, i) => ({ Id: String(i), ReceiptHandle: message.ReceiptHandle! })) }),
      );
    }
    log(
      `queue ${queue.name}: a batch of ${messages.length}, ${done.length} done${outcome.failed.length ? `, ${outcome.failed.length} back to the queue${outcome.whole ? ` (${outcome.whole})` : ''}` : ''}`,
    );
    return messages.length;
  }

  private async poll(): Promise<void> {
    while (this.running) {
      try {
        await this.pollOnce();
      } catch (error) {
        if (!this.running) return;
        this.options.log(`queue ${this.options.queue.name}: ${(error as Error).name}: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }
}
