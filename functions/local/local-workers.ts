import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { MemoryEventQueue } from '../adapters/embedded/memory-event-queue';
import { WORKERS, type Worker } from '../config/workers';
import { lambdaContext } from './lambda-context';

/** A worker's handler module: `wire` takes the ports and settings, `build` makes its AWS ones. */
export interface WorkerModule<H> {
  wire(ports: object, settings?: object): H;
  build(): H;
}

/** How the local runtime gets a worker's handler from its module. */
export type WorkerHandlerFor = <H>(module: WorkerModule<H>) => H;

type QueueLambda = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

/** Imports a worker's handler module and makes its handler once. */
export function loadWorker<H>(worker: Worker, handlerFor: WorkerHandlerFor): Promise<H> {
  return (import(`../handlers/${worker.handler}`) as Promise<WorkerModule<H>>).then((module) => handlerFor(module));
}

/** Feeds each embedded queue to its worker's handler, as the SQS event source mapping does on AWS. */
export function startQueueWorkers(queue: MemoryEventQueue, handlerFor: WorkerHandlerFor): void {
  for (const worker of WORKERS) {
    if (worker.trigger.kind !== 'queue') continue;
    const handler = loadWorker<QueueLambda>(worker, handlerFor);
    queue.consume(worker.trigger.queue, async (event) => (await handler)(event, lambdaContext(worker.id, Date.now() + 60_000)));
  }
}
