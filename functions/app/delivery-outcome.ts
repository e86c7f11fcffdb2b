import { MAX_ATTEMPTS, retryDelaySeconds } from '../domain/delivery-schedule';
import type { Ports } from '../ports';

/** A message as a queue consumer sees it: what to deliver and which attempt this is (1-based). */
export interface Delivery<M> {
  message: M;
  attempt: number;
}

/** What the queue should do with the message after this attempt. */
export type DeliveryOutcome =
  | { kind: 'done' }
  | { kind: 'retry'; delaySeconds: number; reason: string }
  | { kind: 'dead'; reason: string };

/** The next attempt per the shared schedule, or the DLQ once the schedule is used up. */
export function retryOrGiveUp(attempt: number, reason: string): DeliveryOutcome {
  const delaySeconds = retryDelaySeconds(attempt);
  if (delaySeconds === undefined) return { kind: 'dead', reason: `gave up after ${MAX_ATTEMPTS} attempts; last: ${reason}` };
  return { kind: 'retry', delaySeconds, reason };
}

/**
 * Runs `deliver` at most once per key, so a duplicated event (the outbox and the stream
 * deliver at least once) sends one webhook, one e-mail, one SMS. A delivery that fails
 * releases its claim so the retry may run; one cut off by a crash becomes stale after a minute.
 */
export async function once(ports: Pick<Ports, 'idempotency' | 'clock'>, key: string, attempt: number, deliver: () => Promise<DeliveryOutcome>): Promise<DeliveryOutcome> {
  const begun = await ports.idempotency.begin(key, 'delivery', ports.clock.now());
  if (begun.status === 'completed') return { kind: 'done' };
  if (begun.status === 'in_progress') return retryOrGiveUp(attempt, 'another consumer is delivering this message');
  let outcome: DeliveryOutcome;
  try {
    outcome = await deliver();
  } catch (error) {
    await ports.idempotency.release(key);
    throw error;
  }
  if (outcome.kind === 'done') await ports.idempotency.complete(key, 'delivery', '', ports.clock.now());
  else await ports.idempotency.release(key);
  return outcome;
}
