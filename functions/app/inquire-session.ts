import { NotFoundError } from '../domain/errors';
import type { ChildTransaction } from '../domain/operations';
import type { Session } from '../domain/session';
import { childStatusDocument, statusDocument, statusEvent } from '../domain/payment-status';
import type { Ports } from '../ports';
import type { RequestOrigin } from '../domain/audit';
import { findSession, resolveStaleOperations } from './operate-session';
import { pendingAttempt, syncAttempt, type SyncAttemptPorts } from './sync-attempt';

export type InquireSessionPorts = Pick<Ports, 'config' | 'queue' | 'ids' | 'log'> & SyncAttemptPorts;

export interface InquireSessionInput {
  sessionId?: string | null;
  orderNo?: string | null;
  /** Also send the status to the session's webhook_url (Ottu's `notify_webhook_url`). */
  notifyWebhookUrl?: boolean;
  /** Send the status here instead (Ottu's inquiry `webhook_url`; naming one asks for it to be sent). */
  webhookUrl?: string | null;
  /** Where the inquiry came from: the audit entry of a stale operation it resolves names it. */
  origin: RequestOrigin;
}

/**
 * Payment status query (POST /b/pbl/v2/inquiry/): the session's signed status document, after
 * asking the gateway about an attempt still pending (a hosted gateway's) and about an operation
 * left in flight by a request that died (a stale reservation). With
 * `notifyWebhookUrl` the same document also goes to the session's webhook_url, or to the
 * inquiry's own `webhookUrl`, through the webhook queue, so it is retried, dead-lettered and
 * recorded like every webhook, and the answer does not wait on the merchant's endpoint.
 */
export async function inquireSession(ports: InquireSessionPorts, input: InquireSessionInput) {
  const found = await sessionOrChild(ports, input);
  if (found.transaction) return childStatusDocument(found.session, found.transaction, await ports.config.webhookKey());
  // An operation left in flight by a request that died is settled from the gateway's record
  // (the rule the next operation applies), so the answer counts only what the gateway did.
  const resolved = await resolveStaleOperations(ports, found.session, input.origin);
  // As Ottu's inquiry does, a session whose latest attempt awaits its gateway asks the gateway
  // first (a sync: at most one state change and its event, whatever else races it).
  const session = pendingAttempt(resolved) ? (await syncAttempt(ports, resolved.session_id)).session : resolved;
  const document = statusDocument(session, await ports.config.webhookKey());
  const url = input.webhookUrl || undefined;
  if (url || (input.notifyWebhookUrl && session.webhook_url)) {
    await ports.queue.publish('webhook', { channel: 'webhook', event: statusEvent(session, ports.ids.eventId()), status: true, ...(url ? { url } : {}) });
  }
  return document;
}

/**
 * The session the inquiry names (a merchant asks what became of an order: a failed or expired
 * session answers too), or else the child transaction whose own session_id it names: a miss on
 * the session (one GetItem) costs a second read, only for ids that are no session's.
 */
async function sessionOrChild(ports: InquireSessionPorts, input: InquireSessionInput): Promise<{ session: Session; transaction?: ChildTransaction }> {
  try {
    return { session: await findSession(ports, input, { orReleased: true }) };
  } catch (error) {
    if (!(error instanceof NotFoundError) || !input.sessionId) throw error;
  }
  const session = await ports.sessions.findByChildId(input.sessionId);
  const transaction = session && !session.deleted_at ? session.transactions?.find((child) => child.session_id === input.sessionId) : undefined;
  if (!session || !transaction) throw new NotFoundError();
  return { session, transaction };
}
