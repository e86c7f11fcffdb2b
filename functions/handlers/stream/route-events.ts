import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { dynamoSessions } from '../../adapters/aws/dynamo-session-repository';
import { sqsPublisher } from '../../adapters/aws/sqs-event-queue';
import { routeEvent } from '../../app/route-event';
import { QUEUE_NAMES } from '../../domain/deliveries';
import type { SessionEvent } from '../../domain/events';
import type { Ports } from '../../ports';
import { lambdaEntry } from '../lambda-entry';
import { logger } from '../logger';

type Image = NonNullable<NonNullable<DynamoDBRecord['dynamodb']>['NewImage']>;

/**
 * The table stream's consumer. Outbox items (sk `EVENT#…`) are inserted in the same
 * transaction as the session change, so every committed change reaches this function; a
 * record that fails is reported and the stream retries it (duplicates are fine: consumers
 * dedupe on event_id). Session items and deletions (TTL) are ignored.
 */
async function routeRecord(ports: RouterPorts, record: DynamoDBRecord): Promise<void> {
  const image = record.dynamodb?.NewImage;
  if (record.eventName !== 'INSERT' || !image || !image.sk?.S?.startsWith('EVENT#')) return;
  await routeEvent(ports, eventFromImage(image));
}

export function eventFromImage(image: Image): SessionEvent {
  const text = (name: string) => {
    const value = image[name]?.S;
    if (value === undefined) throw new Error(`outbox item lacks ${name}`);
    return value;
  };
  return {
    event_id: text('event_id'),
    type: text('type') as SessionEvent['type'],
    session_id: text('session_id'),
    state: text('state') as SessionEvent['state'],
    version: Number(image.version?.N ?? NaN),
    occurred_at: text('occurred_at'),
  };
}

type RouterPorts = Pick<Ports, 'sessions' | 'queue'>;

export function wire(ports: RouterPorts) {
  const records = (event: DynamoDBStreamEvent, context?: Context) =>
    processPartialResponse(event, (record: DynamoDBRecord) => routeRecord(ports, record), new BatchProcessor(EventType.DynamoDBStreams), { context, throwOnFullBatchFailure: false }) as Promise<DynamoDBBatchResponse>;
  return middy(records).use(injectLambdaContext(logger));
}

export const build = () => wire({ sessions: dynamoSessions(), queue: sqsPublisher(QUEUE_NAMES) });
export const handler = lambdaEntry(build);
