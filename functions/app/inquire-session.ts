import type { SessionEvent } from '../domain/events';
import type { Session } from '../domain/session';
import type { EventType, State } from '../domain/state-machine';
import { signedWebhookPayload } from '../domain/webhook-payload';
import type { Ports } from '../ports';
import { findSession } from './operate-session';

export type InquireSessionPorts = Pick<Ports, 'sessions' | 'config' | 'webhooks'>;

export interface InquireSessionInput {
  sessionId?: string | null;
  orderNo?: string | null;
  /** Also POST the status to the session's webhook_url (Ottu's `notify_webhook_url`). */
  notifyWebhookUrl?: boolean;
}

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

/** Ottu waits 15 s for a webhook response. */
const NOTIFY_TIMEOUT_MS = 15_000;

/**
 * Payment status query (POST /b/pbl/v2/inquiry/): the session's status in the payment webhook's
 * shape, signed with the webhook key, with its child transactions; optionally POSTed once to
 * its webhook_url as well (best effort: the answer does not wait on the merchant's retries).
 */
export async function inquireSession(ports: InquireSessionPorts, input: InquireSessionInput) {
  const session = await findSession(ports, input);
  const { event_id: _id, event_type: _type, ...status } = signedWebhookPayload(session, statusEvent(session), await ports.config.webhookKey());
  const document = { ...status, transactions: (session.transactions ?? []).map(({ version: _v, tracking_key: _k, ...child }) => child) };
  if (input.notifyWebhookUrl && session.webhook_url) {
    await ports.webhooks.post(session.webhook_url, JSON.stringify(document), { timeoutMs: NOTIFY_TIMEOUT_MS });
  }
  return document;
}

function statusEvent(session: Session): SessionEvent {
  return { event_id: '', type: STATUS_EVENT[session.state], session_id: session.session_id, state: session.state, version: session.version, occurred_at: session.updated_at };
}
