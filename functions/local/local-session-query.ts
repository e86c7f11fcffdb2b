import type { Session } from '../domain/session';
import { STATES } from '../domain/state-machine';

/**
 * The dashboard's search over the embedded sessions (GET /_local/ and /_local/sessions.json):
 * `q` finds a session by id (or its start), order_no or e-mail; `state` narrows by state, where
 * `deleted` stands for what the delete operation removed (the API answers 404 for those, so they
 * match no other state); `limit` and `offset` page through the newest first.
 */
export interface SessionQuery {
  q: string;
  state: string;
  limit: number;
  offset: number;
}

export const STATE_FILTERS = [...STATES, 'deleted'] as const;
export const MAX_LIMIT = 200;
const DEFAULT_LIMIT = 50;

export type ParsedQuery = { ok: true; query: SessionQuery } | { ok: false; errors: Record<string, string[]> };

export function parseSessionQuery(params: URLSearchParams): ParsedQuery {
  const errors: Record<string, string[]> = {};
  const state = params.get('state')?.trim() ?? '';
  if (state && !(STATE_FILTERS as readonly string[]).includes(state)) errors.state = [`"${state}" is not a valid choice (${STATE_FILTERS.join(', ')}).`];
  const whole = (name: string, fallback: number, min: number, max: number) => {
    const text = params.get(name)?.trim();
    if (!text) return fallback;
    const value = /^\d{1,6}$/.test(text) ? Number(text) : NaN;
    if (!(value >= min && value <= max)) errors[name] = [`Ensure this is a whole number from ${min} to ${max}.`];
    return value;
  };
  const limit = whole('limit', DEFAULT_LIMIT, 1, MAX_LIMIT);
  const offset = whole('offset', 0, 0, 999_999);
  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, query: { q: params.get('q')?.trim() ?? '', state, limit, offset } };
}

/** What the dashboard calls the session's state: `deleted` once the delete operation took it. */
export function shownState(session: Session): string {
  return session.deleted_at ? 'deleted' : session.state;
}

function matches(session: Session, query: SessionQuery): boolean {
  if (query.state && shownState(session) !== query.state) return false;
  if (!query.q) return true;
  const q = query.q.toLowerCase();
  return (
    session.session_id.startsWith(q) ||
    (session.order_no ?? '').toLowerCase().includes(q) ||
    session.customer_email.toLowerCase().includes(q) ||
    session.email_recipients.some((address) => address.toLowerCase().includes(q))
  );
}

/** The page of matching sessions, newest first, and how many matched in all. */
export function searchSessions(sessions: Session[], query: SessionQuery): { total: number; page: Session[] } {
  const found = sessions.filter((session) => matches(session, query)).sort((a, b) => b.created_at.localeCompare(a.created_at) || a.session_id.localeCompare(b.session_id));
  return { total: found.length, page: found.slice(query.offset, query.offset + query.limit) };
}

/** The query string of `query` with `changes`, for the paging links. */
export function queryString(query: SessionQuery, changes: Partial<SessionQuery> = {}): string {
  const merged = { ...query, ...changes };
  const params = new URLSearchParams();
  if (merged.q) params.set('q', merged.q);
  if (merged.state) params.set('state', merged.state);
  if (merged.limit !== DEFAULT_LIMIT) params.set('limit', String(merged.limit));
  if (merged.offset) params.set('offset', String(merged.offset));
  const text = params.toString();
  return text ? `?${text}` : '';
}
