import { needsConfig, plannedDeliveries } from '../domain/deliveries';
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
export type RouteEventPorts = Pick<Ports, 'queue' | 'config'> & { sessions: SessionReader };

export async function routeEvent(ports: RouteEventPorts, event: SessionEvent, committed?: Session): Promise<number> {
  const session = committed ?? (await ports.sessions.get(event.session_id));
  // A session that no longer exists has no one left to notify.
  if (!session) return 0;
  // The configuration (a cached read) decides only whether created and pending send the webhook.
  const config = needsConfig(session, event) ? await ports.config.load() : {};
  const messages = plannedDeliveries(session, event, config);
  await Promise.all(messages.map((message) => ports.queue.publish(message.channel, message)));
  return messages.length;
}
