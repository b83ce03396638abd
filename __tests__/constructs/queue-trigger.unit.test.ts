import { queueTriggerProblems, visibilityTimeoutOf } from '../../constructs/queue-trigger';

describe('QueueTrigger', () => {
  it('gives the queue six times the function timeout to process a batch, within what SQS allows', () => {
    expect(visibilityTimeoutOf(60)).toBe(360);
    expect(visibilityTimeoutOf(900)).toBe(5400);
    expect(visibilityTimeoutOf(10_000)).toBe(43_200);
  });

  it('refuses a name SQS would refuse with its dead-letter suffix, and a batch above 10 without a window', () => {
    const settings = { type: 'queue' as const, batchSize: 10, maxBatchingWindowSeconds: 0, maxReceiveCount: 3 };
    expect(queueTriggerProblems({ queueName: 'p-dev-worker', settings })).toEqual([]);
    expect(queueTriggerProblems({ queueName: 'x'.repeat(77), settings: { ...settings, batchSize: 50 } })).toEqual([
      `queueName "${'x'.repeat(77)}" is not 1 to 76 letters, digits, "_" and "-"`,
      'batchSize 50 needs a batching window of at least 1 second',
    ]);
  });
});
