import type { SessionEvent } from './events';
import type { Session } from './session';
import type { EventType, State } from './state-machine';
import { signedWebhookPayload } from './webhook-payload';

/** The event each state's status reads as (Ottu reports an invalid transaction as failed). */
const STATUS_EVENT: Record<State, EventType> = {
  created: 'created',
  pending: 'pending',
  attempted: 'attempted',
  authorized: 'authorized',
  paid: 'paid',
  failed: 'failed',
  canceled: 'canceled',
  expired: 'expired',
  invalided: 'failed',
  refunded: 'refunded',
  voided: 'voided',
};

/** The session's status as an event (not a committed one): what an inquiry reports, or queues. */
export function statusEvent(session: Session, eventId = ''): SessionEvent {
  return { event_id: eventId, type: STATUS_EVENT[session.state], session_id: session.session_id, state: session.state, version: session.version, occurred_at: session.updated_at };
}

/**
 * Ottu's payment status query document: the session's status in the payment webhook's shape,
 * signed with the webhook key, with its child transactions. The inquiry answers it, and its
 * `notify_webhook_url` webhook sends it as the session then is.
 */
export function statusDocument(session: Session, key: string) {
  const { event_id: _id, event_type: _type, ...status } = signedWebhookPayload(session, statusEvent(session), key);
  return { ...status, transactions: (session.transactions ?? []).map(({ version: _v, tracking_key: _k, ...child }) => child) };
}
