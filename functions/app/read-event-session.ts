import type { SessionEvent } from '../domain/events';
import type { Session } from '../domain/session';
import type { SessionReader } from '../ports';

/**
 * The session a delivery of `event` is built from, read eventually consistently (half a read
 * unit). The event's message exists only once its write committed, but the replica a read
 * reaches may not have that write yet: a version older than the event's is the session before
 * the event (a `paid` webhook would miss the attempt it reports), so then the read is made again,
 * strongly. From the event's version on, what it answers is the session as it was at some moment
 * after the event, as a strong read made a moment earlier would be.
 */
export async function readEventSession(ports: { sessions: SessionReader }, event: Pick<SessionEvent, 'session_id' | 'version'>): Promise<Session | undefined> {
  const seen = await ports.sessions.get(event.session_id, { consistent: false });
  // Not found was already asked again strongly (ReadOptions): the session is gone.
  if (!seen || seen.version >= event.version) return seen;
  return ports.sessions.get(event.session_id);
}
