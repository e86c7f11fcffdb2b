import { plannedDeliveries } from '../domain/deliveries';
import type { SessionEvent } from '../domain/events';
import type { Session } from '../domain/session';
import type { Ports, SessionReader } from '../ports';

/**
 * The event router: fans one committed event out to the webhook, email and sms queues. Runs
 * from the table stream on AWS and from the outbox relay when embedded; both deliver an event
 * at least once, and consumers drop duplicates by event_id. Returns how many messages it queued.
 * `committed` is the session as the event's own write stored it, when the caller has it (the
 * stream's new image); else the session is read.
 */
export async function routeEvent(ports: Pick<Ports, 'queue'> & { sessions: SessionReader }, event: SessionEvent, committed?: Session): Promise<number> {
  const session = committed ?? (await ports.sessions.get(event.session_id));
  // A session that no longer exists has no one left to notify.
  if (!session) return 0;
  const messages = plannedDeliveries(session, event);
  await Promise.all(messages.map((message) => ports.queue.publish(message.channel, message)));
  return messages.length;
}
