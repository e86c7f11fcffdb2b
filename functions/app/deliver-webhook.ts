import { urlWithoutQuery } from '../domain/redact';
import type { DeliveryMessage } from '../domain/deliveries';
import { deliveryKey } from '../domain/deliveries';
import { judgeWebhookResult } from '../domain/delivery-schedule';
import { isWebhookDelivered, type WebhookStatus } from '../domain/session';
import { statusDocument } from '../domain/payment-status';
import { signedEventPayload } from '../domain/webhook-payload';
import { SIGNATURE_HEADER, signatureHeader } from '../domain/webhook-signature';
import type { Ports } from '../ports';
import { inFlight } from './in-flight';
import { once, retryOrGiveUp, type Delivered, type Delivery, type DeliveryOutcome } from './delivery-outcome';
import { readEventSession } from './read-cheaply';
import { recordWebhookStatus, type RecordStatusPorts } from './record-delivery-status';

export type DeliverWebhookPorts = RecordStatusPorts & Pick<Ports, 'config' | 'webhooks' | 'idempotency'>;

export type WebhookDelivery = Delivery<Extract<DeliveryMessage, { channel: 'webhook' }>>;

/** Ottu waits 15 s for a webhook response; so do we. */
export const WEBHOOK_TIMEOUT_MS = 15_000;

/**
 * One attempt at a webhook: sign the payload for the event's state with the merchant's key,
 * POST it to the session's current webhook_url, record the outcome on the session and tell
 * the queue what comes next.
 *
 * An event's webhook is delivered once per event version (docs/durability.md): the status write
 * after a delivery also lists the version on the session, and that record replaces the claim's
 * completion (2 writes a delivery, not 3). A copy that finds the version listed sends nothing.
 * An inquiry's status message repeats an earlier event's version, and one to a one-off URL
 * writes no status: both keep the claim's completion.
 */
export async function deliverWebhook(ports: DeliverWebhookPorts, delivery: WebhookDelivery, { timeoutMs = WEBHOOK_TIMEOUT_MS } = {}): Promise<DeliveryOutcome> {
  const { message, attempt } = delivery;
  const { version } = message.event;
  const ownEvent = !message.status && !message.url;
  // Read while the claim is written (and the signing key fetched, on a cold start): neither
  // depends on the other, so the first attempt waits one round trip for all three, not three.
  // The event's own webhook reads eventually consistently (docs/durability.md): a version older
  // than the event is read again strongly, the status write is conditional on the version read,
  // and a copy that finds the claim in progress only ever retries. An inquiry's status answers
  // the merchant with the session as it is: a strong read.
  const reading = inFlight(ownEvent ? readEventSession(ports, message.event) : ports.sessions.get(message.event.session_id));
  const signingKeys = inFlight(ports.config.webhookKeys());
  let recording: Promise<boolean> | undefined;
  const deliver = async ({ takenOver }: { takenOver: boolean }): Promise<Delivered> => {
    let session = await reading;
    // The claim replaced a stale or expired one: its copy may have posted and listed the version
    // a moment ago. Whether to post again is decided on a read that cannot miss that.
    if (takenOver && ownEvent && session && !isWebhookDelivered(session, version)) session = await ports.sessions.get(session.session_id);
    const url = message.url ?? session?.webhook_url;
    // Gone, or the merchant removed the URL since: there is no one to call.
    if (!session || !url) return { kind: 'done' };
    // A copy that took over a stale claim (or an expired one) of a delivery that went through.
    if (ownEvent && isWebhookDelivered(session, version)) return { kind: 'done', recordedElsewhere: true };
    // Ottu's `signature` with the first key; the header with every active key (a rotation's two).
    const keys = await signingKeys;
    const body = JSON.stringify(message.status ? statusDocument(session, keys[0]!) : signedEventPayload(session, message.event, keys[0]!));
    const headers = { [SIGNATURE_HEADER]: signatureHeader(body, keys, ports.clock.now()) };
    const result = await ports.webhooks.post(url, body, { timeoutMs, headers });
    const judged = judgeWebhookResult(result, timeoutMs);
    const outcome = judged.verdict === 'delivered' ? ({ kind: 'done' } as const) : judged.verdict === 'retry' ? retryOrGiveUp(attempt, judged.reason) : ({ kind: 'dead', reason: judged.reason } as const);
    const status: WebhookStatus = {
      state: outcome.kind === 'done' ? 'delivered' : outcome.kind === 'retry' ? 'retrying' : 'failed',
      event: message.event.type,
      attempts: attempt,
      last_status_code: result.kind === 'response' ? result.status : null,
      last_error: judged.verdict === 'delivered' ? null : judged.reason,
      last_attempt_at: ports.clock.now().toISOString(),
    };
    const listsDelivery = ownEvent && outcome.kind === 'done';
    // The session read above: its version guards the write; a conflict re-reads. Best effort
    // (it never throws). The status describes the session's own webhook_url, not an inquiry's
    // one-off URL.
    if (!message.url) recording = recordWebhookStatus(ports, session.session_id, status, { read: session, delivered: listsDelivery ? version : undefined });
    ports.log.info('webhook attempt', {
      channel: 'webhook',
      session_id: session.session_id,
      event_id: message.event.event_id,
      request_id: message.event.request_id,
      event: message.event.type,
      url: urlWithoutQuery(url),
      attempt,
      status_code: status.last_status_code,
      error: status.last_error,
      outcome: status.state,
      next_retry_seconds: outcome.kind === 'retry' ? outcome.delaySeconds : null,
    });
    // Delivered: the session's write is the record, unless it failed (then `once` completes the
    // claim, so a duplicate is still dropped). Otherwise the status is written while `once`
    // releases the claim.
    if (listsDelivery && (await recording)) return { kind: 'done', recordedElsewhere: true };
    return outcome;
  };
  const outcome = await once(ports, deliveryKey(message), attempt, deliver, ownEvent ? { deliveredElsewhere: async () => isWebhookDelivered(await reading, version) } : {});
  await recording;
  return outcome;
}
