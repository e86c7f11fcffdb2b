import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { MemoryEventQueue } from '../adapters/embedded/memory-event-queue';
import { lambdaContext } from './lambda-context';
import { WORKERS } from './workers';

type QueueLambda = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/** Feeds each embedded queue to its worker's handler module, as the SQS event source mapping does on AWS. */
export function startQueueWorkers(queue: MemoryEventQueue): void {
  for (const worker of WORKERS) {
    if (worker.trigger.kind !== 'queue') continue;
    const handler = import(`../handlers/${worker.handler}`).then((module: { handler: QueueLambda }) => module.handler);
    queue.consume(worker.trigger.queue, async (event) => (await handler)(event, lambdaContext(worker.id, Date.now() + 60_000)));
  }
}

