import { statusDocument, statusEvent } from '../domain/payment-status';
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
