import type { SessionEvent } from '../domain/events';
import type { Session } from '../domain/session';
import type { SessionReader } from '../ports';

/**
 * The session read eventually consistently (half a read unit), and read again strongly when what
 * that answers is not `enough` for the caller: an older version may be why. Not found was already
 * asked again strongly by the repository (ReadOptions): the session is gone.
 */
export async function readCheaply(sessions: SessionReader, sessionId: string, enough: (seen: Session) => boolean): Promise<Session | undefined> {
  const seen = await sessions.get(sessionId, { consistent: false });
  if (!seen || enough(seen)) return seen;
  return sessions.get(sessionId, { consistent: true });
}

/**
 * The session a delivery of `event` is built from. The event's message exists only once its
 * write committed, but the replica a read reaches may not have that write yet: a version older
 * than the event's is the session before the event (a `paid` webhook would miss the attempt it
 * reports), so then the read is made again, strongly. From the event's version on, what it
 * answers is the session as it was at some moment after the event, as a strong read made a
 * moment earlier would be.
 */
export function readEventSession(ports: { sessions: SessionReader }, event: Pick<SessionEvent, 'session_id' | 'version'>): Promise<Session | undefined> {
  return readCheaply(ports.sessions, event.session_id, (seen) => seen.version >= event.version);
}
