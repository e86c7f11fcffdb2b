import { NotFoundError } from '../domain/errors';
import type { Session } from '../domain/session';
import type { ReadOptions, SessionReader } from '../ports';

const SESSION_ID = /^[0-9a-f]{40}$/;

/** Reads only: a function granted GetItem alone can serve it. */
export type GetSessionPorts = { sessions: SessionReader };

/** Strongly consistent unless `read` says otherwise (ReadOptions: who may, and why). */
export async function getSession(ports: GetSessionPorts, sessionId: string, read?: ReadOptions): Promise<Session> {
  // Ids are 40 hex characters; anything else cannot exist, so it costs no read.
  const session = SESSION_ID.test(sessionId) ? await ports.sessions.get(sessionId, read) : undefined;
  // A deleted session (the `delete` operation) is kept for its money trail but found by no one.
  if (!session || session.deleted_at) throw new NotFoundError('Not found.');
  return session;
}
