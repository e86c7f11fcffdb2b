import { isWebhookDelivered, withWebhookDelivered, type NotificationRejection, type Session, type WebhookStatus } from '../domain/session';
import type { Ports } from '../ports';
import { changeSession, type SessionWritePorts } from './change-session';

export type RecordStatusPorts = SessionWritePorts & Pick<Ports, 'log'>;

const MAX_REJECTIONS = 20;

/**
 * Writes a delivery outcome onto the session through the one change path (action `record`: any
 * state, no event). It yields to the payment flow: on a conflict it re-reads and applies its
 * small change to whatever the payment flow wrote; it never touches the state. `read` is the
 * session as the caller just read it, if it has: the write is conditional on its version anyway,
 * so a stale one (an eventually consistent read may be) costs a conflict and a strong re-read,
 * never a lost update. Answers the session as it now stands (written or left as it was), or
 * undefined when there is none.
 */
async function amendSession(ports: RecordStatusPorts, sessionId: string, change: (session: Session) => Partial<Session> | undefined, read?: Session): Promise<Session | undefined> {
  const session = read ?? (await ports.sessions.get(sessionId));
  if (!session) return undefined;
  const written = await changeSession(ports, session, (current) => {
    const changes = change(current);
    return changes && { action: 'record', changes };
  }, { retry: true });
  return written.session;
}

export interface WebhookRecord {
  /** The session as the caller read it (see amendSession). */
  read?: Session;
  /** The version of the event whose webhook was just delivered: the session lists it from now on. */
  delivered?: number;
}

/**
 * Records a webhook attempt on the session: its status, skipped when older than the one stored
 * (deliveries of two events may finish out of order), and with `delivered`, in the same write,
 * the event's version in the delivered list, even when the status itself is skipped. Answers
 * whether the session now records the delivery (true when there was none to record): false when
 * the session is gone or the write failed, and then the caller must record it elsewhere.
 */
export async function recordWebhookStatus(ports: RecordStatusPorts, sessionId: string, status: WebhookStatus, { read, delivered }: WebhookRecord = {}): Promise<boolean> {
  const stands = await bestEffort(ports, 'webhook_status', () =>
    amendSession(
      ports,
      sessionId,
      (session) => {
        const stored = session.webhook_status?.last_attempt_at;
        const newer = !(stored && status.last_attempt_at && stored > status.last_attempt_at);
        const listing = delivered !== undefined && !isWebhookDelivered(session, delivered);
        if (!newer && !listing) return undefined;
        return { ...(newer ? { webhook_status: status } : {}), ...(listing ? { webhook_delivered: withWebhookDelivered(session, delivered) } : {}) };
      },
      read,
    ),
  );
  return stands !== undefined && (delivered === undefined || isWebhookDelivered(stands, delivered));
}

/** Records a message the provider refused for good. `read`: the session as the caller read it (see amendSession). */
export async function recordRejection(ports: RecordStatusPorts, sessionId: string, rejection: NotificationRejection, read?: Session): Promise<void> {
  await bestEffort(ports, 'notification_status', () =>
    amendSession(ports, sessionId, (session) => ({ notification_status: { rejected: [...(session.notification_status?.rejected ?? []), rejection].slice(-MAX_REJECTIONS) } }), read),
  );
}

/**
 * Takes an event's version off the delivered list, so that its webhook is sent again (the local
 * console's redeliver button; the caller also releases the delivery's claim). Not best effort:
 * the caller wants to know it worked.
 */
export async function forgetWebhookDelivery(ports: RecordStatusPorts, sessionId: string, version: number): Promise<void> {
  await amendSession(ports, sessionId, (session) =>
    isWebhookDelivered(session, version) ? { webhook_delivered: session.webhook_delivered!.filter((kept) => kept !== version) } : undefined,
  );
}

/**
 * The status is a report, not the delivery: when it cannot be written (store down, endless
 * conflicts) the delivery's own outcome still stands, so the message is not sent twice for it.
 * Answers what the write answered, or undefined when it failed.
 */
async function bestEffort<T>(ports: RecordStatusPorts, what: string, write: () => Promise<T>): Promise<T | undefined> {
  try {
    return await write();
  } catch (error) {
    ports.log.warn(`could not record ${what}`, error as Error);
    return undefined;
  }
}
