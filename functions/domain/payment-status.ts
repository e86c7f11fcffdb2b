import type { SessionEvent } from './events';
import { renderChild, type ChildTransaction } from './operations';
import { signWebhook } from './webhook-signature';
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
  return status;
}

/**
 * The status of a child transaction (a refund, capture or void), asked for by its own
 * session_id: the parent's status document for what the child did, as Ottu reports a child
 * payment transaction (its amount, state, reference and the gateway's answer), signed afresh.
 */
export function childStatusDocument(session: Session, child: ChildTransaction, key: string) {
  const { signature: _signature, transactions: _children, ...parent } = statusDocument(session, key);
  const shown = renderChild(child, session.order_no);
  const status = {
    ...parent,
    session_id: shown.session_id,
    amount: child.amount,
    state: child.state,
    result: 'success' as const,
    message: `${child.operation[0]!.toUpperCase()}${child.operation.slice(1)} of payment transaction ${session.session_id}.`,
    reference_number: child.reference_number,
    timestamp_utc: child.created_at.slice(0, 19).replace('T', ' '),
    operation: child.operation,
    parent_session_id: session.session_id,
    pg_params: shown.pg_params,
    gateway_response: shown.pg_response,
    initiator: shown.initiator,
    transactions: [],
  };
  return { ...status, signature: signWebhook(status, key) };
}
