import { DynamoConfigStore } from '../../functions/adapters/aws/dynamo-config-store';
import { DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand, type _Record } from '@aws-sdk/client-dynamodb-streams';
import type { Message } from '@aws-sdk/client-sqs';
import type { DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import type { Context } from 'aws-lambda';
import { dynamoDocumentClient, s3Client } from '../../functions/adapters/aws/aws-clients';
import { S3AttachmentStore } from '../../functions/adapters/aws/s3-attachment-store';
import { DynamoSessionRepository } from '../../functions/adapters/aws/dynamo-session-repository';
import { SqsEventQueue } from '../../functions/adapters/aws/sqs-event-queue';
import { CHANNELS } from '../../functions/config/queues';
import { wire } from '../../functions/handlers/stream/route-events';
import type { StageTarget } from './stage-target';

/** What Lambda writes to a stream event source's on-failure destination (the part we read). */
interface OnFailureRecord {
  DDBStreamBatchInfo?: { shardId: string; startSequenceNumber: string; endSequenceNumber: string; streamArn: string; batchSize?: number };
}

/**
 * A stream failure is not an event but a pointer to the stream records the router gave up on
 * (shard and sequence range). Redriving one reads those records from the table stream again and
 * routes them as the router would (its own handler, here with the stage's table and queues);
 * the message is deleted only when every record was routed. The stream keeps records for 24 h:
 * an older failure cannot be read back and stays, and `npm run replay-events -- --since <its
 * timestamp>` is the recovery (docs/runbook.md).
 */
export function streamFailureMover(target: StageTarget): (message: Message) => Promise<void> {
  // Built at the first failure to move: an empty queue needs neither the table nor the queues.
  let router: Promise<ReturnType<typeof wire>> | undefined;
  const build = async () => {
    const urls = Object.fromEntries(await Promise.all(CHANNELS.map(async (c) => [c, await target.queueUrl(c)] as const)));
    const table = await target.table();
    // A removed session's attachment (a REMOVE record): the bucket is looked up only then.
    const attachments = { delete: async (key: string) => new S3AttachmentStore(s3Client(), await target.bucket()).delete(key) };
    return wire({ sessions: new DynamoSessionRepository(dynamoDocumentClient(), table), queue: new SqsEventQueue(target.sqs, urls), config: new DynamoConfigStore(dynamoDocumentClient(), table), attachments });
  };
  const streams = new DynamoDBStreamsClient({});
  return async (message) => {
    const failure = JSON.parse(message.Body ?? '{}') as OnFailureRecord;
    const batch = failure.DDBStreamBatchInfo;
    if (!batch) throw new Error(`message ${message.MessageId} is not a stream on-failure record`);
    const records = await readRange(streams, batch);
    const route = await (router ??= build());
    const answer = await route({ Records: records } as DynamoDBStreamEvent, {} as Context);
    if (answer.batchItemFailures.length > 0) throw new Error(`${answer.batchItemFailures.length} record(s) of shard ${batch.shardId} failed to route again`);
  };
}

async function readRange(streams: DynamoDBStreamsClient, batch: NonNullable<OnFailureRecord['DDBStreamBatchInfo']>): Promise<DynamoDBRecord[]> {
  let iterator: string | undefined;
  try {
    ({ ShardIterator: iterator } = await streams.send(
      new GetShardIteratorCommand({ StreamArn: batch.streamArn, ShardId: batch.shardId, ShardIteratorType: 'AT_SEQUENCE_NUMBER', SequenceNumber: batch.startSequenceNumber }),
    ));
  } catch (error) {
    throw new Error(`the stream no longer holds shard ${batch.shardId} from ${batch.startSequenceNumber} (kept 24 h): use npm run replay-events (${(error as Error).message})`);
  }
  const end = BigInt(batch.endSequenceNumber);
  const records: DynamoDBRecord[] = [];
  while (iterator) {
    const page = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 100 }));
    const inRange = (page.Records ?? []).filter((record) => BigInt(record.dynamodb?.SequenceNumber ?? '0') <= end);
    records.push(...inRange.map(lambdaShape));
    const passedEnd = inRange.length < (page.Records ?? []).length;
    if (passedEnd || (page.Records ?? []).length === 0 || records.length >= (batch.batchSize ?? Infinity)) break;
    iterator = page.NextShardIterator;
  }
  return records;
}

/** The SDK's record in the shape Lambda hands the router (binary attributes base64 text). */
function lambdaShape(record: _Record): DynamoDBRecord {
  return JSON.parse(JSON.stringify(record, (_key, value: unknown) => (value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value))) as DynamoDBRecord;
}
