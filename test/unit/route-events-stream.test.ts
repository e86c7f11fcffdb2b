import type { DynamoDBRecord } from 'aws-lambda';
import { wire } from '../../functions/handlers/stream/route-events';
import { lambdaContext } from '../../functions/local/lambda-context';
import { createdEvent, eventPorts, recordQueues, sampleSession } from '../fixtures/event-ports';
import { waitFor } from '../fixtures/webhook-receiver';

// Stream records as DynamoDB sends them for the outbox items the repository writes.
function record(sequence: string, image: Record<string, { S: string } | { N: string }>, eventName: DynamoDBRecord['eventName'] = 'INSERT'): DynamoDBRecord {
  return { eventID: sequence, eventName, eventSource: 'aws:dynamodb', dynamodb: { SequenceNumber: sequence, NewImage: image as NonNullable<DynamoDBRecord['dynamodb']>['NewImage'], StreamViewType: 'NEW_AND_OLD_IMAGES' } };
}

test('routes outbox INSERTs, ignores session items, and reports a failed record for the stream to retry', async () => {
  const ports = await eventPorts();
  const routeEventRecords = wire(ports);
  const seen = recordQueues(ports.queue);
  const session = sampleSession({ webhook_url: 'https://merchant.example/hook' });
  const event = createdEvent(session);
  await ports.sessions.create(session, [event]);
  const outboxItem = {
    pk: { S: `SESSION#${session.session_id}` },
    sk: { S: `EVENT#0000000001#${event.event_id}` },
    event_id: { S: event.event_id },
    type: { S: event.type },
    session_id: { S: event.session_id },
    state: { S: event.state },
    version: { N: '1' },
    occurred_at: { S: event.occurred_at },
  };
  const result = await routeEventRecords({
    Records: [
      record('100', outboxItem),
      record('101', { pk: { S: `SESSION#${session.session_id}` }, sk: { S: 'SESSION' } }, 'MODIFY'),
      record('102', (({ event_id: _dropped, ...rest }) => ({ ...rest, sk: { S: 'EVENT#0000000002#x' } }))(outboxItem)),
    ],
  }, lambdaContext('RouteEvents', Date.now() + 30_000));
  expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: '102' }] });
  await waitFor(() => seen.webhook.length === 1);
  expect(seen.webhook[0]).toEqual({ channel: 'webhook', event });
  await ports.queue.close();
});
