import { batchOutcome, sqsEvent } from '../../local-lambda/sqs-batch';
import { defaultEvent } from '../../use-cases/invoke';

const IDS = ['m1', 'm2', 'm3'];

describe("Lambda's SQS batch, locally", () => {
  it('hands the function the records as the event source mapping does', () => {
    const event = sqsEvent(
      [
        {
          MessageId: 'm1',
          ReceiptHandle: 'r1',
          Body: 'hi',
          MD5OfBody: 'x',
          Attributes: { ApproximateReceiveCount: '1' },
          MessageAttributes: { kind: { StringValue: 'a', DataType: 'String' } },
        },
      ],
      'arn:aws:sqs:ap-northeast-1:123456789012:q',
      'ap-northeast-1',
    );
    expect(event).toEqual({
      Records: [
        {
          messageId: 'm1',
          receiptHandle: 'r1',
          body: 'hi',
          attributes: { ApproximateReceiveCount: '1' },
          messageAttributes: { kind: { stringValue: 'a', dataType: 'String', stringListValues: [], binaryListValues: [] } },
          md5OfBody: 'x',
          eventSource: 'aws:sqs',
          eventSourceARN: 'arn:aws:sqs:ap-northeast-1:123456789012:q',
          awsRegion: 'ap-northeast-1',
        },
      ],
    });
  });

  it('reads a partial batch response by Lambda rules: the named ones fail, a bad answer fails all', () => {
    expect(batchOutcome({ ok: true, payload: { batchItemFailures: [{ itemIdentifier: 'm2' }] } }, IDS)).toEqual({ failed: ['m2'] });
    expect(batchOutcome({ ok: true, payload: { batchItemFailures: [{ itemIdentifier: 'm3' }, { itemIdentifier: 'm1' }] } }, IDS)).toEqual({
      failed: ['m1', 'm3'],
    });
    for (const payload of [null, undefined, {}, { batchItemFailures: [] }, { batchItemFailures: null }]) {
      expect(batchOutcome({ ok: true, payload }, IDS)).toEqual({ failed: [] });
    }
    expect(batchOutcome({ ok: false, errorType: 'Runtime.ImportModuleError' }, IDS)).toEqual({
      failed: IDS,
      whole: 'the function failed (Runtime.ImportModuleError)',
    });
    for (const payload of [
      'ok',
      [1],
      { batchItemFailures: 'm1' },
      { batchItemFailures: [{ itemIdentifier: '' }] },
      { batchItemFailures: [{ id: 'm1' }] },
      { batchItemFailures: [{ itemIdentifier: 'm9' }] },
    ]) {
      expect(batchOutcome({ ok: true, payload }, IDS)).toMatchObject({ failed: IDS, whole: expect.any(String) });
    }
  });

  it('gives npm run invoke the event a trigger sends, and none where it has none', () => {
    const now = new Date('2026-12-07T06:00:00.123Z');
    expect(defaultEvent({ type: 'schedule', expression: 'rate(1 day)', retryAttempts: 2, maxEventAgeSeconds: 3600 } as never, now)).toEqual({
      scheduledTime: '2026-12-07T06:00:00Z',
    });
    const http = defaultEvent({ type: 'http', routes: ['POST /x', 'GET /api/{id}', 'GET /api/stats'] }, now) as { routeKey: string; rawPath: string };
    expect([http.routeKey, http.rawPath]).toEqual(['GET /api/stats', '/api/stats']);
    expect(defaultEvent({ type: 'http', routes: ['POST /x'] }, now)).toBeUndefined();
    expect((defaultEvent({ type: 'http', routes: ['DELETE /y', 'ANY /x'] }, now) as { routeKey: string }).routeKey).toBe('ANY /x');
    expect(defaultEvent({ type: 'queue', batchSize: 10, maxBatchingWindowSeconds: 0, maxReceiveCount: 3 }, now)).toBeUndefined();
  });
});
