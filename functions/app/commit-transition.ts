import { ConflictError } from '../domain/errors';
import { sessionEvent } from '../domain/events';
import type { Session } from '../domain/session';
import { transition, type Action } from '../domain/state-machine';
import type { Ports } from '../ports';

/**
 * Moves a session through the transition table and commits the new state together with its
 * event (the outbox). The write is conditional on `session.version`: a concurrent writer makes
 * it throw VersionConflictError, which callers resolve by reading the session again.
 */
export async function commitTransition(ports: Ports, session: Session, action: Action, changes: Partial<Session> = {}): Promise<Session> {
  const moved = transition(session.state, action);
  if (!moved.ok) throw new ConflictError(moved.reason);
  const now = ports.clock.now();
  const next: Session = { ...session, ...changes, state: moved.to, version: session.version + 1, updated_at: now.toISOString() };
  await ports.sessions.update(next, session, [sessionEvent(moved.event, next, ports.ids.eventId(), now)]);
  return next;
}
