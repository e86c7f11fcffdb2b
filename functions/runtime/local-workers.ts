import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import type { MemoryEventQueue } from '../adapters/embedded/memory-event-queue';
import { WORKERS, type Worker } from './workers';

type QueueLambda = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/** Feeds each embedded queue to its worker's handler module, as the SQS event source mapping does on AWS. */
export function startQueueWorkers(queue: MemoryEventQueue): void {
  for (const worker of WORKERS) {
    if (worker.trigger.kind !== 'queue') continue;
    const handler = import(`../handlers/${worker.handler}`).then((module: { handler: QueueLambda }) => module.handler);
    queue.consume(worker.trigger.queue, async (event) => (await handler)(event, lambdaContext(worker)));
  }
}

function lambdaContext(worker: Worker): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: worker.id,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${worker.id}`,
    memoryLimitInMB: '256',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${worker.id}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 60_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
