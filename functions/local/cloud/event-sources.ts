import { ReceiveMessageCommand, DeleteMessageBatchCommand, GetQueueAttributesCommand, SendMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { randomUUID } from 'node:crypto';
import { matchesAny } from './filter-pattern';
import { clientConfig, type AwsTarget } from './provision';

/**
 * The event source mappings of the template, driven against the emulator as Lambda's pollers
 * would: SQS (batch size, batching window, the queue's visibility timeout, partial batch
 * responses, maximum concurrency; moto moves a message to the DLQ past maxReceiveCount) and the
 * DynamoDB stream (batch size, filter criteria, partial batch responses, bisect on error, retry
 * attempts, on-failure destination), read through the DynamoDB Streams API.
 */

export type Invoke = (event: unknown) => Promise<unknown>;

interface BatchResponse {
  batchItemFailures?: Array<{ itemIdentifier?: string }>;
}

export interface Poller {
  stop(): Promise<void>;
}

export interface SqsMapping {
  queueUrl: string;
  queueArn: string;
  batchSize: number;
  batchingWindowSeconds: number;
  reportBatchItemFailures: boolean;
  /** ScalingConfig.MaximumConcurrency, else a few concurrent batches. */
  maxConcurrency: number;
  filters: unknown[];
}

/**
 * A poller's own request that gets no answer fails after this long (then it is logged and tried
 * again) instead of holding up every later event: the SDK waits forever by default, and undici
 * five minutes, and an emulator under load can drop a request.
 */
const POLL_REQUEST_TIMEOUT_MS = 30_000;
/** A poller step slower than this is logged (what it waits for, and how long). */
const SLOW_STEP_SECONDS = 60;

export function pollQueue(target: AwsTarget, mapping: SqsMapping, invoke: Invoke, log: (line: string) => void): Poller {
  const sqs = new SQSClient({ ...clientConfig(target), requestHandler: { requestTimeout: POLL_REQUEST_TIMEOUT_MS } });
  let running = true;
  const loops: Promise<void>[] = [];
  const loop = async () => {
    while (running) {
      try {
        const { Messages = [] } = await sqs.send(
          new ReceiveMessageCommand({
            QueueUrl: mapping.queueUrl,
            MaxNumberOfMessages: Math.min(10, mapping.batchSize),
            WaitTimeSeconds: Math.max(1, Math.min(20, Math.ceil(mapping.batchingWindowSeconds))),
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
        );
        if (!running) return;
        if (Messages.length === 0) continue;
        const records = Messages.map((message) => sqsRecord(message, mapping.queueArn, target.region));
        const passing = records.filter((record) => matchesAny(mapping.filters, record));
        // A record the filter drops is deleted unprocessed, as Lambda does.
        let failed = new Set<string>();
        if (passing.length) {
          try {
            const response = (await invoke({ Records: passing })) as BatchResponse | undefined;
            if (mapping.reportBatchItemFailures && response?.batchItemFailures) {
              failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier ?? ''));
            }
          } catch (error) {
            // A failed invocation: every message returns after its visibility timeout.
            log(`[sqs] ${mapping.queueArn}: invocation failed, the batch returns after the visibility timeout: ${(error as Error).message}\n`);
            continue;
          }
        }
        const done = Messages.filter((m) => !failed.has(m.MessageId ?? ''));
        if (done.length) {
          await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: mapping.queueUrl, Entries: done.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })) }));
        }
      } catch (error) {
        if (!running) return;
        log(`[sqs] ${mapping.queueArn}: ${(error as Error).message}\n`);
        await sleep(1000);
      }
    }
  };
  for (let i = 0; i < Math.max(1, Math.min(mapping.maxConcurrency, 5)); i++) loops.push(loop());
  return {
    stop: async () => {
      running = false;
      await Promise.all(loops);
      sqs.destroy();
    },
  };
}

function sqsRecord(message: Message, queueArn: string, region: string) {
  const attributes = message.Attributes ?? {};
  return {
    messageId: message.MessageId!,
    receiptHandle: message.ReceiptHandle!,
    body: message.Body ?? '',
    attributes: {
      ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
      SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
      SenderId: attributes.SenderId ?? 'local',
      ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: Object.fromEntries(
      Object.entries(message.MessageAttributes ?? {}).map(([name, value]) => [name, { stringValue: value.StringValue, dataType: value.DataType, stringListValues: [], binaryListValues: [] }]),
    ),
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
}

/** The queue's visibility timeout (Lambda hides a received batch for as long). */
export async function queueAttributes(target: AwsTarget, queueUrl: string): Promise<Record<string, string>> {
  const sqs = new SQSClient(clientConfig(target));
  try {
    const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }));
    return Attributes;
  } finally {
    sqs.destroy();
  }
}

export interface StreamMapping {
  streamArn: string;
  batchSize: number;
  startingPosition: 'TRIM_HORIZON' | 'LATEST';
  filters: unknown[];
  reportBatchItemFailures: boolean;
  bisectOnError: boolean;
  /** -1: until the record expires. */
  retryAttempts: number;
  /** SQS queue URL of the on-failure destination, if any. */
  onFailureQueueUrl?: string;
  onFailureArn?: string;
  functionArn: string;
  pollIntervalMs: number;
}

/** The DynamoDB Streams API (JSON 1.0), which the project's SDK set has no client for. */
function streamsApi(target: AwsTarget) {
  return async <T>(action: string, body: unknown): Promise<T> => {
    const response = await fetch(target.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': `DynamoDBStreams_20120810.${action}`,
        // An emulator reads the region from the credential scope; it does not check the signature.
        authorization: `AWS4-HMAC-SHA256 Credential=${target.credentials.accessKeyId}/20260101/${target.region}/dynamodb/aws4_request, SignedHeaders=host, Signature=0`,
      },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(POLL_REQUEST_TIMEOUT_MS),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`DynamoDB Streams ${action}: ${response.status} ${text.slice(0, 300)}`);
    return JSON.parse(text) as T;
  };
}

interface StreamRecord {
  eventID: string;
  eventName: string;
  dynamodb: { SequenceNumber: string; [key: string]: unknown };
  [key: string]: unknown;
}

export function pollStream(target: AwsTarget, mapping: StreamMapping, invoke: Invoke, log: (line: string) => void): Poller {
  const call = streamsApi(target);
  const sqs = new SQSClient({ ...clientConfig(target), requestHandler: { requestTimeout: POLL_REQUEST_TIMEOUT_MS } });
  let running = true;
  // Where each shard was left: after the last sequence number read, or (LATEST, before the first
  // record) the iterator to follow. Each poll asks for a fresh iterator after the last record
  // rather than following NextShardIterator: moto replaces a table, stream shard included, with
  // a copy when a transaction is cancelled, and an iterator into the old shard then silently
  // reads nothing ever again (the local cloud's router stopped so in CI-sized runs). AWS's
  // iterators expire after 15 minutes anyway: a position is what a poller must keep.
  const positions = new Map<string, { after: string } | { iterator: string }>();
  const readShard = async (shardId: string): Promise<StreamRecord[]> => {
    const position = positions.get(shardId);
    const iterator =
      position && 'iterator' in position
        ? position.iterator
        : (
            await step(
              'GetShardIterator',
              call<{ ShardIterator: string }>('GetShardIterator', {
                StreamArn: mapping.streamArn,
                ShardId: shardId,
                ...(position ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: position.after } : { ShardIteratorType: mapping.startingPosition }),
              }),
            )
          ).ShardIterator;
    const { Records = [], NextShardIterator } = await step('GetRecords', call<{ Records?: StreamRecord[]; NextShardIterator?: string }>('GetRecords', { ShardIterator: iterator, Limit: mapping.batchSize }));
    const last = Records.at(-1);
    if (last) positions.set(shardId, { after: last.dynamodb.SequenceNumber });
    // LATEST has no position until its first record: asking for LATEST again would skip what came between.
    else if (mapping.startingPosition === 'LATEST' && !(position && 'after' in position) && NextShardIterator) positions.set(shardId, { iterator: NextShardIterator });
    return Records;
  };
  // What the poller waits for, told in its log when it is slow: the stream once stopped being
  // read for minutes in a CI-sized run with nothing logged at all.
  let waiting = { on: 'the poll interval', since: Date.now() };
  const step = async <T>(on: string, work: Promise<T>): Promise<T> => {
    waiting = { on, since: Date.now() };
    return work;
  };
  const watchdog = setInterval(() => {
    const seconds = Math.round((Date.now() - waiting.since) / 1000);
    if (seconds >= SLOW_STEP_SECONDS) log(`[stream] still waiting for ${waiting.on} after ${seconds} s\n`);
  }, SLOW_STEP_SECONDS * 1000);
  watchdog.unref();

  /** Invokes with `batch`; returns the records still failing after retries and bisection (to the on-failure destination). */
  const process = async (batch: StreamRecord[], attempt = 0): Promise<StreamRecord[]> => {
    try {
      const response = (await step(`${batch.length} record(s) to be processed by the function`, invoke({ Records: batch }))) as BatchResponse | undefined;
      const failures = mapping.reportBatchItemFailures ? response?.batchItemFailures ?? [] : [];
      if (failures.length === 0) return [];
      // Partial failure: retry from the lowest failed sequence number.
      const first = Math.min(...failures.map((f) => batch.findIndex((r) => r.dynamodb.SequenceNumber === f.itemIdentifier)).filter((i) => i >= 0));
      const rest = batch.slice(Number.isFinite(first) ? first : 0);
      if (mapping.retryAttempts >= 0 && attempt >= mapping.retryAttempts) return rest;
      return process(rest, attempt + 1);
    } catch (error) {
      log(`[stream] invocation failed (attempt ${attempt + 1}): ${(error as Error).message}\n`);
      if (mapping.retryAttempts >= 0 && attempt >= mapping.retryAttempts) return batch;
      if (mapping.bisectOnError && batch.length > 1) {
        const half = Math.ceil(batch.length / 2);
        return [...(await process(batch.slice(0, half), attempt + 1)), ...(await process(batch.slice(half), attempt + 1))];
      }
      await sleep(200);
      return process(batch, attempt + 1);
    }
  };

  const giveUp = async (shardId: string, records: StreamRecord[]) => {
    if (records.length === 0) return;
    log(`[stream] ${records.length} record(s) given up after ${mapping.retryAttempts} retries\n`);
    if (!mapping.onFailureQueueUrl) return;
    const sequence = records.map((r) => r.dynamodb.SequenceNumber);
    await sqs.send(
      new SendMessageCommand({
        QueueUrl: mapping.onFailureQueueUrl,
        MessageBody: JSON.stringify({
          requestContext: { requestId: randomUUID(), functionArn: mapping.functionArn, condition: 'RetryAttemptsExhausted', approximateInvokeCount: mapping.retryAttempts + 1 },
          responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
          version: '1.0',
          timestamp: new Date().toISOString(),
          DDBStreamBatchInfo: { shardId, startSequenceNumber: sequence[0], endSequenceNumber: sequence[sequence.length - 1], batchSize: records.length, streamArn: mapping.streamArn },
        }),
      }),
    );
  };

  const loop = (async () => {
    while (running) {
      try {
        const { StreamDescription } = await step('DescribeStream', call<{ StreamDescription: { Shards?: Array<{ ShardId: string }> } }>('DescribeStream', { StreamArn: mapping.streamArn }));
        for (const { ShardId } of StreamDescription.Shards ?? []) {
          if (!running) break;
          const records = (await readShard(ShardId)).map((record) => ({ ...record, eventSourceARN: mapping.streamArn, awsRegion: target.region }));
          const passing = records.filter((record) => matchesAny(mapping.filters, record));
          for (let i = 0; i < passing.length; i += mapping.batchSize) await giveUp(ShardId, await process(passing.slice(i, i + mapping.batchSize)));
        }
      } catch (error) {
        if (running) log(`[stream] ${(error as Error).message}\n`);
      }
      waiting = { on: 'the poll interval', since: Date.now() };
      await sleep(mapping.pollIntervalMs);
    }
  })();
  return {
    stop: async () => {
      running = false;
      clearInterval(watchdog);
      await loop;
      sqs.destroy();
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
