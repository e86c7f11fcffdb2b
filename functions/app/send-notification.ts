import { maskRecipient, redactText } from '../domain/redact';
import { deliveryKey, isNotificationEvent, type DeliveryMessage } from '../domain/deliveries';
import { PermanentDeliveryError } from '../domain/delivery-errors';
import { languageOf, renderEmail, renderSms, templateVariables, type Templates } from '../domain/notification-message';
import type { Ports } from '../ports';
import { inFlight } from './in-flight';
import { once, retryOrGiveUp, type Delivery, type DeliveryOutcome } from './delivery-outcome';
import { readEventSession } from './read-cheaply';
import { recordRejection, type RecordStatusPorts } from './record-delivery-status';

type Notification = Extract<DeliveryMessage, { channel: 'email' | 'sms' }>;

/** The e-mail consumer has the mailer, the SMS consumer the SMS sender; neither has both. */
export type SendNotificationPorts = RecordStatusPorts & Pick<Ports, 'idempotency'> & (Pick<Ports, 'mailer'> | Pick<Ports, 'sms'>);

export interface NotificationSettings {
  templates: Templates;
  /** Base URL of the deployment, for the checkout link. */
  publicUrl: string;
}

/**
 * One attempt at an e-mail (SES) or SMS (SNS) for an event, in the session's language.
 * Throttling and other transient provider errors are retried on the shared schedule; a
 * message the provider refuses for good is recorded on the session and not retried.
 */
export async function sendNotification(ports: SendNotificationPorts, delivery: Delivery<Notification>, settings: NotificationSettings): Promise<DeliveryOutcome> {
  const { message, attempt } = delivery;
  const { event } = message;
  if (!isNotificationEvent(event.type)) return { kind: 'done' };
  const type = event.type;
  // Read while the claim is written: one round trip for both. Eventually consistent: whether to
  // send is the claim's to decide, never the read's, and the read is at least as new as the event.
  const reading = inFlight(readEventSession(ports, event));
  return once(ports, deliveryKey(message), attempt, async () => {
    const session = await reading;
    // A session that no longer exists has no one left to notify.
    if (!session) return { kind: 'done' };
    const language = languageOf(session);
    const vars = templateVariables(session, settings.publicUrl, event);
    const report = (outcome: string, fields: Record<string, unknown> = {}) =>
      ports.log.info(`${message.channel} attempt`, { channel: message.channel, session_id: session.session_id, event_id: event.event_id, request_id: event.request_id, event: type, to: maskRecipient(message.to), attempt, outcome, ...fields });
    try {
      if (message.channel === 'email') await mailerOf(ports).send({ to: message.to, ...renderEmail(settings.templates, language, type, vars) });
      else await smsOf(ports).send({ to: message.to, text: renderSms(settings.templates, language, type, vars) });
      report('sent');
      return { kind: 'done' };
    } catch (error) {
      if (!(error instanceof PermanentDeliveryError)) {
        const outcome = retryOrGiveUp(attempt, errorText(error));
        report(outcome.kind === 'retry' ? 'retrying' : 'failed', { error: redactText(errorText(error)), next_retry_seconds: outcome.kind === 'retry' ? outcome.delaySeconds : null });
        return outcome;
      }
      const rejection = { channel: message.channel, recipient: message.to, event: type, reason: error.reason, at: ports.clock.now().toISOString() };
      await recordRejection(ports, session.session_id, rejection, session);
      report('rejected', { error: redactText(error.reason) });
      return { kind: 'done' };
    }
  });
}

function mailerOf(ports: SendNotificationPorts): Ports['mailer'] {
  if (!('mailer' in ports)) throw new Error('an e-mail message reached a consumer without a mailer');
  return ports.mailer;
}

function smsOf(ports: SendNotificationPorts): Ports['sms'] {
  if (!('sms' in ports)) throw new Error('an SMS message reached a consumer without an SMS sender');
  return ports.sms;
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
