import { NotFoundError } from '../domain/errors';
import { findGateway } from '../domain/config';
import { firstInquiry, nextInquiry, type InquiryMessage } from '../domain/inquiry';
import type { Ports } from '../ports';
import { alarmMessage } from '../ports/log';
import { syncAttempt, type SyncAttemptPorts, type SyncOutcome } from './sync-attempt';

export type AutoInquirePorts = SyncAttemptPorts & Pick<Ports, 'inquiries'>;

export type AutoInquiryOutcome =
  | SyncOutcome
  /** Still pending: the next try is scheduled. */
  | { kind: 'again'; next: InquiryMessage }
  /** Still pending after the last try: an operator (or the merchant's inquiry) must look. */
  | { kind: 'gave_up' }
  /** The session is gone (deleted): nothing to ask. */
  | { kind: 'gone' };

/**
 * One try of the automatic inquiry: syncs the attempt (the same use case as the return, the
 * notification and the merchant's inquiry, so racing them gives one state change and one event)
 * and, while the gateway still has no answer, schedules the next try, up to INQUIRY_TRIES. The
 * sync a gateway's notification queued (`trigger: 'notification'`) runs here too, once.
 */
export async function autoInquire(ports: AutoInquirePorts, message: InquiryMessage): Promise<AutoInquiryOutcome> {
  let outcome: SyncOutcome;
  try {
    outcome = await syncAttempt(ports, message.session_id, message.reference);
  } catch (error) {
    if (error instanceof NotFoundError) return { kind: 'gone' };
    throw error;
  }
  // The first try is scheduled before the gateway is asked (pay-session.ts), so with a short
  // window it can come before its attempt is committed: an attempt not recorded yet is asked
  // about again, as a pending one is, and after the last try it ends quietly (a start that never
  // committed left nothing of ours to settle).
  const unrecorded = outcome.kind === 'unchanged' && !outcome.session.attempts.some((attempt) => attempt.reference_number === message.reference);
  if (message.trigger === 'notification') return followUpNotification(ports, message, outcome);
  if (outcome.kind !== 'pending' && !unrecorded) return outcome;
  const next = nextInquiry(message);
  if (!next && unrecorded) return outcome;
  if (!next) {
    ports.log.warn(alarmMessage('automatic inquiry gave up on a pending attempt'), new Error(`session ${message.session_id} attempt ${message.reference} still pending after ${message.try} tries: check it at the gateway`));
    return { kind: 'gave_up' };
  }
  await ports.inquiries.schedule(next);
  return { kind: 'again', next };
}

/**
 * A notification's sync is one try. Left pending (the gateway did not answer it in time), it
 * schedules the tries again: those scheduled with the payment may all be spent by now.
 */
async function followUpNotification(ports: AutoInquirePorts, message: InquiryMessage, outcome: SyncOutcome): Promise<AutoInquiryOutcome> {
  const attempt = outcome.session.attempts.find((candidate) => candidate.reference_number === message.reference);
  const setting = outcome.kind === 'pending' && attempt ? findGateway(await ports.config.load(), attempt.pg_code) : undefined;
  if (!setting) return outcome;
  const next = firstInquiry(message.session_id, message.reference, setting);
  await ports.inquiries.schedule(next);
  return { kind: 'again', next };
}
