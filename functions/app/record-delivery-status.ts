import { VersionConflictError } from '../domain/errors';
import type { NotificationRejection, Session, WebhookStatus } from '../domain/session';
import type { Ports } from '../ports';
import { logger } from '../runtime/logger';

const MAX_TRIES = 5;
const MAX_REJECTIONS = 20;

/**
 * Writes a delivery outcome onto the session with the usual version-checked update. It yields
 * to the payment flow: on a conflict it re-reads and applies its small change to whatever the
 * payment flow wrote, a few times; it never touches the state, and it skips an outcome older
 * than the one already stored (deliveries of two events may finish out of order).
 */
async function amendSession(ports: Ports, sessionId: string, change: (session: Session) => Session | undefined): Promise<void> {
  for (let tries = 1; tries <= MAX_TRIES; tries++) {
    const current = await ports.sessions.get(sessionId);
    if (!current) return;
    const changed = change(current);
    if (!changed) return;
    try {
      await ports.sessions.update({ ...changed, version: current.version + 1 }, current, []);
      return;
    } catch (error) {
      if (!(error instanceof VersionConflictError) || tries === MAX_TRIES) throw error;
    }
  }
}

export function recordWebhookStatus(ports: Ports, sessionId: string, status: WebhookStatus): Promise<void> {
  return bestEffort('webhook_status', () =>
    amendSession(ports, sessionId, (session) => {
      const stored = session.webhook_status?.last_attempt_at;
      if (stored && status.last_attempt_at && stored > status.last_attempt_at) return undefined;
      return { ...session, webhook_status: status };
    }),
  );
}

export function recordRejection(ports: Ports, sessionId: string, rejection: NotificationRejection): Promise<void> {
  return bestEffort('notification_status', () =>
    amendSession(ports, sessionId, (session) => {
      const rejected = [...(session.notification_status?.rejected ?? []), rejection].slice(-MAX_REJECTIONS);
      return { ...session, notification_status: { rejected } };
    }),
  );
}

/**
 * The status is a report, not the delivery: when it cannot be written (store down, endless
 * conflicts) the delivery's own outcome still stands, so the message is not sent twice for it.
 */
async function bestEffort(what: string, write: () => Promise<void>): Promise<void> {
  try {
    await write();
  } catch (error) {
    logger.warn(`could not record ${what}`, error as Error);
  }
}
