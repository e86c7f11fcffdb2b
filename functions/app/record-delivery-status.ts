import type { NotificationRejection, Session, WebhookStatus } from '../domain/session';
import type { Ports } from '../ports';
import { changeSession, type SessionWritePorts } from './change-session';

export type RecordStatusPorts = SessionWritePorts & Pick<Ports, 'log'>;

const MAX_REJECTIONS = 20;

/**
 * Writes a delivery outcome onto the session through the one change path (action `record`: any
 * state, no event). It yields to the payment flow: on a conflict it re-reads and applies its
 * small change to whatever the payment flow wrote; it never touches the state, and it skips an
 * outcome older than the one already stored (deliveries of two events may finish out of order).
 * `read` is the session as the caller just read it, if it has: the write is conditional on its
 * version anyway, so a stale one costs a conflict and a re-read, never a lost update.
 */
async function amendSession(ports: RecordStatusPorts, sessionId: string, change: (session: Session) => Partial<Session> | undefined, read?: Session): Promise<void> {
  const session = read ?? (await ports.sessions.get(sessionId));
  if (!session) return;
  await changeSession(ports, session, (current) => {
    const changes = change(current);
    return changes && { action: 'record', changes };
  }, { retry: true });
}

export function recordWebhookStatus(ports: RecordStatusPorts, sessionId: string, status: WebhookStatus, read?: Session): Promise<void> {
  return bestEffort(ports, 'webhook_status', () =>
    amendSession(
      ports,
      sessionId,
      (session) => {
        const stored = session.webhook_status?.last_attempt_at;
        if (stored && status.last_attempt_at && stored > status.last_attempt_at) return undefined;
        return { webhook_status: status };
      },
      read,
    ),
  );
}

export function recordRejection(ports: RecordStatusPorts, sessionId: string, rejection: NotificationRejection): Promise<void> {
  return bestEffort(ports, 'notification_status', () =>
    amendSession(ports, sessionId, (session) => ({ notification_status: { rejected: [...(session.notification_status?.rejected ?? []), rejection].slice(-MAX_REJECTIONS) } })),
  );
}

/**
 * The status is a report, not the delivery: when it cannot be written (store down, endless
 * conflicts) the delivery's own outcome still stands, so the message is not sent twice for it.
 */
async function bestEffort(ports: RecordStatusPorts, what: string, write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (error) {
    ports.log.warn(`could not record ${what}`, error as Error);
  }
}
