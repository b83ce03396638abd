import { Construct } from 'constructs';
import { Fn } from 'cdktf';
import { LambdaAlias } from '@cdktf/provider-aws/lib/lambda-alias';
import { LambdaEventSourceMapping } from '@cdktf/provider-aws/lib/lambda-event-source-mapping';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { DEAD_LETTER_SUFFIX, QueueTrigger as QueueTriggerSettings, visibilityTimeoutOf } from '../config/functions';
import { rejectInvalidProps } from './props';

export interface QueueTriggerProps {
  /** The queue's name; its dead-letter queue is `<name>-dlq`. */
  readonly queueName: string;
  readonly settings: QueueTriggerSettings;
  /** The function's timeout: Lambda wants the queue's visibility timeout at least six times it. */
  readonly timeoutSeconds: number;
}

export { visibilityTimeoutOf };

/** A dead-letter queue: encrypted, keeping a message as long as SQS keeps any (14 days), time for a person to look. */
export function deadLetterQueue(scope: Construct, name: string): SqsQueue {
  return new SqsQueue(scope, 'dead-letters', { name: `${name}${DEAD_LETTER_SUFFIX}`, sqsManagedSseEnabled: true, messageRetentionSeconds: 1_209_600 });
}

/** What is wrong with the props, in words; empty when nothing is. */
export function queueTriggerProblems(props: Pick<QueueTriggerProps, 'queueName' | 'settings'>): string[] {
  const problems: string[] = [];
  // SQS allows 80 characters; "-dlq" is added for the dead-letter queue.
  if (!/^[A-Za-z0-9_-]{1,76}$/.test(props.queueName)) problems.push(`queueName ${JSON.stringify(props.queueName)} is not 1 to 76 letters, digits, "_" and "-"`);
  const { batchSize, maxBatchingWindowSeconds } = props.settings;
  if (batchSize > 10 && maxBatchingWindowSeconds < 1) problems.push(`batchSize ${batchSize} needs a batching window of at least 1 second`);
  return problems;
}

/**
 * A queue that feeds a function: encrypted, with a dead-letter queue that takes a message after maxReceiveCount
 * receives, and (once `feed` names the function's alias) an event source mapping that reports partial batch
 * failures, so only the records the function names go back to the queue. The queue comes first because other
 * functions, made before the one it feeds, send to it.
 */
export class QueueTrigger extends Construct {
  public readonly queue: SqsQueue;
  public readonly deadLetterQueue: SqsQueue;
  private readonly settings: QueueTriggerSettings;

  constructor(scope: Construct, id: string, props: QueueTriggerProps) {
    super(scope, id);
    rejectInvalidProps(this, queueTriggerProblems(props));
    const { settings } = props;
    this.deadLetterQueue = deadLetterQueue(this, props.queueName);
    this.queue = new SqsQueue(this, 'queue', {
      name: props.queueName,
      sqsManagedSseEnabled: true,
      visibilityTimeoutSeconds: visibilityTimeoutOf(props.timeoutSeconds),
      redrivePolicy: Fn.jsonencode({ deadLetterTargetArn: this.deadLetterQueue.arn, maxReceiveCount: settings.maxReceiveCount }),
    });
    this.settings = settings;
  }

  /** Invokes the alias with the queue's batches, so a new version takes messages only when the alias moves to it. */
  public feed(alias: LambdaAlias): LambdaEventSourceMapping {
    return new LambdaEventSourceMapping(this, 'mapping', {
      eventSourceArn: this.queue.arn,
      functionName: alias.arn,
      batchSize: this.settings.batchSize,
      maximumBatchingWindowInSeconds: this.settings.maxBatchingWindowSeconds,
      functionResponseTypes: ['ReportBatchItemFailures'],
    });
  }
}
