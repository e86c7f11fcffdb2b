import { NotFoundError } from '../domain/errors';
import { childStatusDocument, statusDocument, statusEvent } from '../domain/payment-status';
import type { Ports } from '../ports';
import { findSession } from './operate-session';
import { pendingAttempt, syncAttempt, type SyncAttemptPorts } from './sync-attempt';

export type InquireSessionPorts = Pick<Ports, 'config' | 'queue' | 'ids'> & SyncAttemptPorts;

export interface InquireSessionInput {
  sessionId?: string | null;
  orderNo?: string | null;
  /** Also send the status to the session's webhook_url (Ottu's `notify_webhook_url`). */
  notifyWebhookUrl?: boolean;
  /** Send the status here instead (Ottu's inquiry `webhook_url`; naming one asks for it to be sent). */
  webhookUrl?: string | null;
}

/**
 * Payment status query (POST /b/pbl/v2/inquiry/): the session's signed status document, after
 * asking the gateway about an attempt still pending (a hosted gateway's). With
 * `notifyWebhookUrl` the same document also goes to the session's webhook_url, or to the
 * inquiry's own `webhookUrl`, through the webhook queue, so it is retried, dead-lettered and
 * recorded like every webhook, and the answer does not wait on the merchant's endpoint.
 */
export async function inquireSession(ports: InquireSessionPorts, input: InquireSessionInput) {
  const child = await childNamed(ports, input);
  if (child) return childStatusDocument(child.session, child.transaction, await ports.config.webhookKey());
  // A merchant asks what became of an order: a failed or expired session answers too.
  const found = await findSession(ports, input, { orReleased: true });
  // As Ottu's inquiry does, a session whose latest attempt awaits its gateway asks the gateway
  // first (a sync: at most one state change and its event, whatever else races it).
  const session = pendingAttempt(found) ? (await syncAttempt(ports, found.session_id)).session : found;
  const document = statusDocument(session, await ports.config.webhookKey());
  const url = input.webhookUrl || undefined;
  if (url || (input.notifyWebhookUrl && session.webhook_url)) {
    await ports.queue.publish('webhook', { channel: 'webhook', event: statusEvent(session, ports.ids.eventId()), status: true, ...(url ? { url } : {}) });
  }
  return document;
}

/**
 * The child transaction whose own session_id the inquiry names, when it names no session: a
 * miss on the session (one GetItem) costs a second read, only for ids that are no session's.
 */
async function childNamed(ports: InquireSessionPorts, input: InquireSessionInput) {
  if (!input.sessionId) return undefined;
  try {
    await findSession(ports, { sessionId: input.sessionId });
    return undefined;
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
  }
  const session = await ports.sessions.findByChildId(input.sessionId);
  const transaction = session && !session.deleted_at ? session.transactions?.find((child) => child.session_id === input.sessionId) : undefined;
  return session && transaction ? { session, transaction } : undefined;
}
