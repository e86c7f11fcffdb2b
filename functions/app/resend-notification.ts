import { notificationMessages, type NotificationChannel } from '../domain/deliveries';
import { NotificationFailedError } from '../domain/errors';
import { statusEvent } from '../domain/payment-status';
import type { Ports, SessionReader } from '../ports';
import { findSession } from './operate-session';

export type ResendNotificationPorts = Pick<Ports, 'queue' | 'ids'> & { sessions: SessionReader };

export interface ResendNotificationInput {
  sessionId?: string | null;
  orderNo?: string | null;
  channels: NotificationChannel[];
}

/**
 * Ottu's message notification (POST /b/pbl/v2/message-notification/): sends the session's e-mail
 * or SMS for its current state again, on each channel asked for, when the session's
 * `notifications` ask for that event on it. The messages go through the e-mail and SMS queues
 * under a new event id, so the consumers' duplicate check lets them through once, with their
 * retries and dead letters. Nothing is sent unless every channel has something to send.
 */
export async function resendNotification(ports: ResendNotificationPorts, input: ResendNotificationInput): Promise<{ queued: number }> {
  const session = await findSession(ports, input, { orReleased: true });
  const event = statusEvent(session, ports.ids.eventId());
  const messages = [];
  for (const channel of new Set(input.channels)) {
    const planned = notificationMessages(session, event, channel);
    if (planned.length === 0) {
      const why = channel === 'sms' && !session.customer_phone ? 'it has no customer_phone' : `its notifications do not ask for "${event.type}" by ${channel}`;
      throw new NotificationFailedError(session.session_id, session.order_no, channel, `Nothing to send by ${channel} for this payment transaction: ${why}.`);
    }
    messages.push(...planned);
  }
  await Promise.all(messages.map((message) => ports.queue.publish(message.channel, message)));
  return { queued: messages.length };
}
