import { ScanCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '../functions/adapters/aws/aws-clients';
import { dynamoConfig } from '../functions/adapters/aws/dynamo-config-store';
import { dynamoSessions, fromItem } from '../functions/adapters/aws/dynamo-session-repository';
import { sqsPublisher } from '../functions/adapters/aws/sqs-event-queue';
import { routeEvent } from '../functions/app/route-event';
import { EVENTS_ATTRIBUTE } from '../functions/config/table';
import { setting } from '../functions/config/env';
import { QUEUE_NAMES } from '../functions/domain/deliveries';
import type { SessionEvent } from '../functions/domain/events';
import type { Ports } from '../functions/ports';

/**
 * `npm run replay-events -- --since <ISO 8601>`: the recovery for an event-router outage longer
 * than the table stream's 24 h retention (docs/durability.md). Every session item holds the
 * events its latest write committed; this scans the session items that hold some and routes
 * those that occurred since `--since` to the queues again, with the session as that write left
 * it, exactly as the router would have. Duplicates are harmless: consumers drop them by
 * event_id. What it cannot give back is an event that a later write of the same session replaced
 * (the merchant still gets the latest state, which is what the webhook carries).
 * Needs CHECKOUT_TABLE, the queue URLs and AWS credentials for the stage. A scan reads the whole
 * table (0.5 read unit per 4 KB): a disaster-recovery tool, never a routine.
 */
export async function replayEvents(since: Date, ports: Pick<Ports, 'sessions' | 'queue' | 'config'>, client: DynamoDBDocumentClient, table: string): Promise<{ sessions: number; events: number; messages: number }> {
  const totals = { sessions: 0, events: 0, messages: 0 };
  let start: Record<string, unknown> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: table,
        FilterExpression: 'sk = :session AND attribute_exists(#events)',
        ExpressionAttributeNames: { '#events': EVENTS_ATTRIBUTE },
        ExpressionAttributeValues: { ':session': 'SESSION' },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      const due = (JSON.parse(String(item[EVENTS_ATTRIBUTE])) as SessionEvent[]).filter((event) => Date.parse(event.occurred_at) >= since.getTime());
      if (due.length === 0) continue;
      totals.sessions++;
      const session = fromItem(item);
      for (const event of due) {
        totals.events++;
        totals.messages += await routeEvent(ports, event, session);
      }
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return totals;
}

if (require.main === module) {
  const at = process.argv.indexOf('--since');
  const since = new Date(process.argv[at + 1] ?? '');
  if (at < 0 || Number.isNaN(since.getTime())) {
    console.error('usage: npm run replay-events -- --since 2026-12-01T00:00:00Z');
    process.exit(2);
  }
  replayEvents(since, { sessions: dynamoSessions(), queue: sqsPublisher(QUEUE_NAMES), config: dynamoConfig() }, dynamoDocumentClient(), setting('CHECKOUT_TABLE'))
    .then((t) => console.log(`replayed ${t.events} event(s) of ${t.sessions} session(s): ${t.messages} message(s) queued`))
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.message : error);
      process.exit(1);
    });
}
