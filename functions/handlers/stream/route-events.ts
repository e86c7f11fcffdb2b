import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { dynamoConfigReader } from '../../adapters/aws/dynamo-config-store';
import { dynamoSessionReader, fromItem } from '../../adapters/aws/dynamo-session-repository';
import { ATTACHMENT_KEY_ATTRIBUTE, EVENT_SK_PREFIX, EVENTS_ATTRIBUTE } from '../../config/table';
import { s3AttachmentRemover } from '../../adapters/aws/s3-attachment-store';
import { removeSessionAttachment, type RemoveAttachmentPorts } from '../../app/remove-attachment';
import { sqsPublisher } from '../../adapters/aws/sqs-event-queue';
import { routeEvent, type RouteEventPorts } from '../../app/route-event';
import { CHANNELS } from '../../domain/deliveries';
import type { SessionEvent } from '../../domain/events';
import type { Session } from '../../domain/session';
import { lambdaEntry } from '../lambda-entry';
import { logger } from '../logger';
import { countSessionEvent } from '../metrics';
import { withLogContext } from '../with-log-context';

type Image = NonNullable<NonNullable<DynamoDBRecord['dynamodb']>['NewImage']>;

/**
 * The table stream's consumer. A session write that commits events carries them in its
 * `events` attribute (docs/durability.md), so every committed change reaches this function in
 * the new image of its own write, and the session as that write left it comes with them: no
 * read. A record that fails is reported and the stream retries it (duplicates are fine:
 * consumers dedupe on event_id). Writes without events are filtered out by the event source
 * (STREAM_EVENT_SOURCE) and ignored here too. The removal of a session item (TTL) that names an
 * attachment deletes the attachment's object; other removals are ignored. An outbox item of the earlier
 * layout (sk `EVENT#…`) is still routed, reading its session.
 */
async function routeRecord(ports: RouterPorts, record: DynamoDBRecord): Promise<void> {
  if (record.eventName === 'REMOVE') {
    const key = record.dynamodb?.OldImage?.[ATTACHMENT_KEY_ATTRIBUTE]?.S;
    if (key !== undefined && (await removeSessionAttachment(ports, key))) logger.info('attachment removed with its session', { key });
    return;
  }
  const image = record.dynamodb?.NewImage;
  if (!image) return;
  const committed = image[EVENTS_ATTRIBUTE]?.S;
  if (committed !== undefined) {
    const session = sessionFromImage(image);
    for (const event of JSON.parse(committed) as SessionEvent[]) {
      // The request that committed it names this record's log lines too (one search follows a payment).
      logger.appendKeys({ request_id: event.request_id, event_id: event.event_id });
      await routeEvent(ports, event, session);
      countSessionEvent(event, session);
    }
    return;
  }
  if (record.eventName === 'INSERT' && image.sk?.S?.startsWith(EVENT_SK_PREFIX)) await routeEvent(ports, eventFromImage(image));
}

/** The session as the write that committed the events stored it. */
function sessionFromImage(image: Image): Session {
  // A binary attribute arrives base64-encoded in the Lambda event; the earlier layout's is text.
  const binary = image.document?.B as string | Uint8Array | undefined;
  const document = binary === undefined ? image.document?.S : typeof binary === 'string' ? Buffer.from(binary, 'base64') : binary;
  return fromItem({ document, version: image.version?.N, state: image.state?.S, expires_at: image.expires_at?.S });
}

/** An outbox item of the earlier layout (one item per event). */
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

type RouterPorts = RouteEventPorts & RemoveAttachmentPorts;

export function wire(ports: RouterPorts) {
  const records = (event: DynamoDBStreamEvent, context?: Context) =>
    processPartialResponse(event, (record: DynamoDBRecord) => routeRecord(ports, record), new BatchProcessor(EventType.DynamoDBStreams), { context, throwOnFullBatchFailure: false }) as Promise<DynamoDBBatchResponse>;
  return withLogContext(records);
}

export const build = () => wire({ sessions: dynamoSessionReader(), queue: sqsPublisher(CHANNELS), config: dynamoConfigReader(), attachments: s3AttachmentRemover() });
export const handler = lambdaEntry(build);
