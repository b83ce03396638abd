import * as path from 'node:path';
import { LOCAL_CREDENTIALS, LocalDynamoDb, ensureMessagesTable, startLocalDynamoDb } from '../../local-lambda/dynamodb-local';
import { installedPythonToolchain } from '../../family-plugins/python/toolchain';
import { PROJECT_ROOT } from '../support/processes';
import { CommandResult, runCommand } from '../../project/run-command';
import { startMoto } from '../support/moto';

/**
 * The seed's worker and scheduled job against a real DynamoDB-compatible server (dynalite), through the handlers Lambda
 * calls, with boto3 from the project's toolchain standing in for the runtime's.
 */
const TABLE = 'svc-dev-messages';

// Messages of 2026-12-06 (UTC) and one of the 7th, stored as the API stores them; the worker then gets an SQS batch
// with each of them, one twice (SQS delivers at least once) and one record that is no message.
const SCRIPT = `
import json
from datetime import datetime, timezone
import digest, worker
from ids import created_at_of, new_message_id
from store import MessagesStore

store = MessagesStore("${TABLE}")
day = int(datetime(2026, 12, 6, tzinfo=timezone.utc).timestamp() * 1000)
made = []
for offset, author in ((0, "ann"), (3_600_000, "bo"), (86_399_999, "ann"), (86_400_000, "ann")):
    message_id = new_message_id(day + offset)
    message = {"id": message_id, "content": "hi", "author": author, "created_at": created_at_of(message_id)}
    store.create(message)
    made.append(message)
records = [{"messageId": f"m{i}", "body": json.dumps(m)} for i, m in enumerate(made)]
records.append({"messageId": "again", "body": json.dumps(made[0])})
records.append({"messageId": "junk", "body": "not a message"})
first = worker.handler({"Records": records})
second = worker.handler({"Records": records[:2]})
counts = {author: store.messages_by(author) for author in ("ann", "bo", "cy")}
event = {"scheduledTime": "2026-12-07T06:00:00Z"}
ran = digest.handler(event)
again = digest.handler(event)
item = store._client.get_item(TableName="${TABLE}", Key={"pk": {"S": "DIGEST"}, "sk": {"S": "2026-12-06"}})["Item"]
print(json.dumps({"first": first, "second": second, "counts": counts, "digest": ran, "again": again, "item": item}))
`;

/** Runs Python code in the seed's task root with the toolchain's interpreter (boto3 as the runtime ships it), writing nothing there. */
// Not spawnSync: dynalite answers from this process, which must keep running meanwhile.
function python(code: string, env: Record<string, string>): Promise<CommandResult> {
  const toolchain = installedPythonToolchain(process.env, PROJECT_ROOT);
  if (!toolchain) throw new Error("the global setup installs the project's Python toolchain; it is missing");
  return runCommand(toolchain.python, ['-B', '-c', code], {
    cwd: path.join(PROJECT_ROOT, 'handlers', 'python_api'),
    env: { PATH: process.env['PATH'], PYTHONDONTWRITEBYTECODE: '1', ...env },
  });
}

describe("the seed's worker and scheduled job, against a real table", () => {
  let dynamo: LocalDynamoDb;
  beforeAll(async () => {
    dynamo = await startLocalDynamoDb();
    await ensureMessagesTable(dynamo.endpoint, TABLE);
  });
  afterAll(async () => {
    await dynamo.stop();
  });

  it('files each message under its author once however often it comes, answers a partial batch, and digests a day idempotently', async () => {
    const result = await python(SCRIPT, {
      TABLE_NAME: TABLE,
      AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
      AWS_DEFAULT_REGION: 'ap-northeast-1',
      AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey,
    });
    expect(result.output).not.toMatch(/Traceback/);
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout) as Record<string, unknown>;
    // Only the record that is no message goes back (and, after the queue's receives, to its dead-letter queue).
    expect(out['first']).toEqual({ batchItemFailures: [{ itemIdentifier: 'junk' }] });
    expect(out['second']).toEqual({ batchItemFailures: [] });
    // Delivered twice, filed once.
    expect(out['counts']).toEqual({ ann: 3, bo: 1, cy: 0 });
    const digest = { day: '2026-12-06', messages: 3, authors: { ann: 2, bo: 1 } };
    expect(out['digest']).toEqual(digest);
    expect(out['again']).toEqual(digest);
    expect(out['item']).toEqual({
      pk: { S: 'DIGEST' },
      sk: { S: '2026-12-06' },
      messages: { N: '3' },
      authors: { M: { ann: { N: '2' }, bo: { N: '1' } } },
    });
  });

  it("answer the rollout's probe without touching anything: no table named, no endpoint that answers", async () => {
    const script = 'import json, worker, digest; print(json.dumps([worker.handler({"probe": "t-1"}), digest.handler({"probe": "t-2"})]))';
    const result = await python(script, { APP_VERSION: '3.0.0', AWS_ENDPOINT_URL_DYNAMODB: 'http://127.0.0.1:9', AWS_DEFAULT_REGION: 'ap-northeast-1' });
    expect(result.output).not.toMatch(/Traceback/);
    expect(JSON.parse(result.stdout)).toEqual([
      { probe: 't-1', function: 'worker', version: '3.0.0' },
      { probe: 't-2', function: 'digest', version: '3.0.0' },
    ]);
  });

  it("takes what the API sends to the worker's queue (an SQS server: moto's), in Lambda's SQS event", async () => {
    const moto = await startMoto();
    try {
      const script = `
import json, boto3, worker
from ids import created_at_of, new_message_id
from store import MessagesStore, WorkerQueue
sqs = boto3.client("sqs")
url = sqs.create_queue(QueueName="svc-dev-worker")["QueueUrl"]
boto3.client("dynamodb").create_table(TableName="${TABLE}", BillingMode="PAY_PER_REQUEST",
    AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}, {"AttributeName": "sk", "AttributeType": "S"}],
    KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}, {"AttributeName": "sk", "KeyType": "RANGE"}])
message_id = new_message_id()
message = {"id": message_id, "content": "hi", "author": "dee", "created_at": created_at_of(message_id)}
MessagesStore("${TABLE}").create(message)
sent = WorkerQueue(url).send(message)
got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10)["Messages"]
records = [{"messageId": m["MessageId"], "receiptHandle": m["ReceiptHandle"], "body": m["Body"], "eventSource": "aws:sqs"} for m in got]
answer = worker.handler({"Records": records})
unreachable = WorkerQueue("http://127.0.0.1:9/000000000000/none", client=boto3.client("sqs", endpoint_url="http://127.0.0.1:9")).send(message)
print(json.dumps({"sent": sent, "bodies": [json.loads(m["Body"]) for m in got], "answer": answer, "count": MessagesStore("${TABLE}").messages_by("dee"), "unreachable": unreachable}))
`;
      const result = await python(script, { ...moto.env, TABLE_NAME: TABLE });
      // The one traceback is the logged failed send below; anything else fails the exit code or the JSON.
      expect(result.code).toBe(0);
      const out = JSON.parse(result.stdout) as { sent: boolean; bodies: { author: string }[]; answer: unknown; count: number; unreachable: boolean };
      expect(out.sent).toBe(true);
      expect(out.bodies).toEqual([expect.objectContaining({ author: 'dee', content: 'hi' })]);
      expect(out.answer).toEqual({ batchItemFailures: [] });
      expect(out.count).toBe(1);
      // A queue that cannot be reached is logged, and the API's answer does not change.
      expect(out.unreachable).toBe(false);
      expect(result.output).toContain('could not send message');
    } finally {
      await moto.stop();
    }
  });
});
