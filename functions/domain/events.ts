import type { EventType, State } from './state-machine';

/**
 * One record per state change, written in the same commit as the change itself (outbox), so a
 * crash between the write and the fan-out loses nothing. `event_id` lets consumers drop duplicates.
 */
export interface SessionEvent {
  event_id: string;
  type: EventType;
  session_id: string;
  state: State;
  /** Session version the event was committed with. */
  version: number;
  occurred_at: string;
  /**
   * The API request that committed it (API Gateway's request id), so one search follows a
   * payment from the create to the last webhook attempt. Stamped by the repository at commit;
   * absent for changes no request made (the expiry sweep) and events committed before it existed.
   */
  request_id?: string;
}

export function sessionEvent(
  type: EventType,
  session: { session_id: string; state: State; version: number },
  eventId: string,
  now: Date,
): SessionEvent {
  return {
    event_id: eventId,
    type,
    session_id: session.session_id,
    state: session.state,
    version: session.version,
    occurred_at: now.toISOString(),
  };
}
