import { cycleStep } from '../domain/agreement-cycle';
import type { AuditEntry } from '../domain/audit';
import { ConflictError, NotFoundError, VersionConflictError } from '../domain/errors';
import { sessionEvent, type SessionEvent } from '../domain/events';
import type { Session } from '../domain/session';
import { NEW, transition, type Action, type EventType } from '../domain/state-machine';
import type { Ports } from '../ports';

export type SessionWritePorts = Pick<Ports, 'sessions' | 'clock' | 'ids'>;

/** An action of the transition table and the fields it sets. */
export interface Change {
  action: Action;
  changes?: Partial<Session>;
}

/** What a session looks like before it is first written: everything but state and version. */
export type NewSession = Omit<Session, 'state' | 'version'>;

/**
 * Lost races retried, each after re-reading: every lost race means another writer moved the
 * session on, so a few re-reads settle it. The one policy for every writer that retries.
 */
export const CONFLICT_RETRIES = 4;

/**
 * Lost races retried when what is written must not be lost: the outcome of a call a gateway
 * already carried out (a confirmed refund, capture or void). Its plan always applies, so each
 * re-read only waits for the writers ahead of it; giving up would leave money moved unrecorded.
 */
export const SETTLE_RETRIES = 64;

/** Writes a new session as `created`, with its `created` event, through the transition table. */
export async function createSessionRecord(ports: SessionWritePorts, draft: NewSession): Promise<Session> {
  const moved = transition(NEW, 'create');
  if (!moved.ok) throw new ConflictError(moved.reason);
  const session: Session = { ...draft, state: moved.to, version: 1 };
  await ports.sessions.create(session, eventsOf(ports, session, moved.event));
  return session;
}

/**
 * The one path by which a stored session changes: `plan` names the action (or nothing to do),
 * the transition table says whether the state allows it and what it becomes, the version is
 * bumped and the action's event committed with the change, conditional on the version read.
 * A lost race throws VersionConflictError, or, with `retry`, re-reads and asks `plan` again.
 * `audit` builds the entry that records the change, committed in the same write; so is what the
 * change does to an auto-debit agreement's cycles (domain/agreement-cycle.ts `cycleStep`).
 */
export async function changeSession(
  ports: SessionWritePorts,
  session: Session,
  plan: (current: Session) => Change | undefined,
  { retry = false, retries = CONFLICT_RETRIES, audit }: { retry?: boolean; retries?: number; audit?: (next: Session) => AuditEntry } = {},
): Promise<{ session: Session; changed: boolean; events: SessionEvent[] }> {
  let current = session;
  for (let tries = 0; ; tries++) {
    const change = plan(current);
    if (!change) return { session: current, changed: false, events: [] };
    const moved = transition(current.state, change.action);
    if (!moved.ok) throw new ConflictError(moved.reason);
    const next: Session = { ...current, ...change.changes, state: moved.to, version: current.version + 1, updated_at: ports.clock.now().toISOString() };
    const events = eventsOf(ports, next, moved.event);
    try {
      // The audit entry (a merchant's operation) and the agreement's cycles (an auto-debit
      // charge started or settled) commit with the change, never without it.
      const cycle = cycleStep(current, next);
      const entry = audit?.(next);
      await ports.sessions.update(next, current, events, { ...(entry ? { audit: entry } : {}), ...(cycle ? { cycle } : {}) });
      return { session: next, changed: true, events };
    } catch (error) {
      if (!(error instanceof VersionConflictError) || !retry || tries >= retries) throw error;
      // Strongly, whatever the first read was: the version that won is the one to build on, and
      // an older one (what an eventually consistent read may answer) would only lose again.
      const reread = await ports.sessions.get(session.session_id, { consistent: true });
      if (!reread) throw new NotFoundError();
      current = reread;
    }
  }
}


function eventsOf(ports: SessionWritePorts, session: Session, type: EventType | undefined) {
  return type ? [sessionEvent(type, session, ports.ids.eventId(), ports.clock.now())] : [];
}
