import { Construct } from 'constructs';
import { LambdaAlias } from '@cdktf/provider-aws/lib/lambda-alias';
import { SchedulerSchedule } from '@cdktf/provider-aws/lib/scheduler-schedule';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { ScheduleTrigger as ScheduleTriggerSettings, scheduleExpressionProblem } from '../config/functions';
import { rejectInvalidProps } from './props';
import { deadLetterQueue } from './queue-trigger';

export interface ScheduleTriggerProps {
  /** The schedule's name; its dead-letter queue is `<name>-dlq`. */
  readonly scheduleName: string;
  readonly settings: ScheduleTriggerSettings;
  /** The alias the schedule invokes. */
  readonly alias: LambdaAlias;
  /** The role EventBridge Scheduler invokes the alias with (the bootstrap's: a deploy writes no IAM). */
  readonly roleArn: string;
}

/**
 * What the scheduled function gets: the time the invocation was scheduled for (Scheduler fills it in), so a retry of
 * one run works on the same day as the first try.
 */
export const SCHEDULED_INPUT = JSON.stringify({ scheduledTime: '<aws.scheduler.scheduled-time>' });

/** What is wrong with the props, in words; empty when nothing is. */
export function scheduleTriggerProblems(props: Pick<ScheduleTriggerProps, 'scheduleName' | 'settings'>): string[] {
  const problems: string[] = [];
  // Scheduler allows 64 characters; SQS 80 with "-dlq".
  if (!/^[A-Za-z0-9_.-]{1,64}$/.test(props.scheduleName))
    problems.push(`scheduleName ${JSON.stringify(props.scheduleName)} is not 1 to 64 letters, digits, ".", "_" and "-"`);
  const expression = scheduleExpressionProblem(props.settings.expression);
  if (expression) problems.push(`expression ${expression}`);
  return problems;
}

/**
 * A schedule (EventBridge Scheduler) that invokes a function's alias at its rate or cron, at the exact time (no
 * flexible window), retrying as the settings say, then sending the event to its dead-letter queue.
 */
export class ScheduleTrigger extends Construct {
  public readonly schedule: SchedulerSchedule;
  public readonly deadLetterQueue: SqsQueue;

  constructor(scope: Construct, id: string, props: ScheduleTriggerProps) {
    super(scope, id);
    rejectInvalidProps(this, scheduleTriggerProblems(props));
    const { settings } = props;
    this.deadLetterQueue = deadLetterQueue(this, props.scheduleName);
    this.schedule = new SchedulerSchedule(this, 'schedule', {
      name: props.scheduleName,
      scheduleExpression: settings.expression,
      scheduleExpressionTimezone: settings.timezone,
      flexibleTimeWindow: { mode: 'OFF' },
      target: {
        arn: props.alias.arn,
        roleArn: props.roleArn,
        input: SCHEDULED_INPUT,
        retryPolicy: { maximumRetryAttempts: settings.retryAttempts, maximumEventAgeInSeconds: settings.maxEventAgeSeconds },
        deadLetterConfig: { arn: this.deadLetterQueue.arn },
      },
    });
  }
}
