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

/** Why a copy that found another copy's claim in progress retries (and nothing was sent). */
export const CLAIMED_ELSEWHERE = 'another consumer is delivering this message';

/** The next attempt per the shared schedule, or the DLQ once the schedule is used up. */
export function retryOrGiveUp(attempt: number, reason: string): DeliveryOutcome {
  const delaySeconds = retryDelaySeconds(attempt);
  if (delaySeconds === undefined) return { kind: 'dead', reason: `gave up after ${MAX_ATTEMPTS} attempts; last: ${reason}` };
  return { kind: 'retry', delaySeconds, reason };
}

/**
 * What `deliver` answers `once`: the outcome, or done with `recordedElsewhere` when the
 * delivery's own write (the webhook's status on the session) already records that it happened,
 * so the claim need not be completed.
 */
export type Delivered = DeliveryOutcome | { kind: 'done'; recordedElsewhere: true };

export interface OnceOptions {
  /**
   * For a delivery that records itself elsewhere (`recordedElsewhere`): its claim is never
   * completed, so a copy that finds the claim in progress asks this before scheduling a retry.
   * Without it (e-mail, SMS), a claim in progress means another copy is still delivering.
   */
  deliveredElsewhere?: () => Promise<boolean>;
}

/**
 * Runs `deliver` at most once per key, so a duplicated event (the outbox and the stream
 * deliver at least once) sends one webhook, one e-mail, one SMS. A delivery that fails
 * releases its claim so the retry may run; one cut off by a crash becomes stale after a minute.
 * A delivery done is recorded by completing the claim, unless `deliver` says it is recorded
 * elsewhere: then the claim stays in progress (a write saved), which turns a concurrent copy to
 * `deliveredElsewhere`; once stale it lets a later copy in, whose `deliver` finds the record
 * (told `takenOver`, so that it looks for it where no read can miss it).
 */
export async function once(
  ports: Pick<Ports, 'idempotency' | 'clock'>,
  key: string,
  attempt: number,
  deliver: (claim: { takenOver: boolean }) => Promise<Delivered>,
  { deliveredElsewhere }: OnceOptions = {},
): Promise<DeliveryOutcome> {
  const begun = await ports.idempotency.begin(key, 'delivery', ports.clock.now());
  if (begun.status === 'completed') return { kind: 'done' };
  if (begun.status === 'in_progress') {
    // The claim is another copy's: never released here, whatever the check answers.
    if (deliveredElsewhere && (await deliveredElsewhere())) return { kind: 'done' };
    return retryOrGiveUp(attempt, CLAIMED_ELSEWHERE);
  }
  let outcome: Delivered;
  try {
    outcome = await deliver({ takenOver: begun.takenOver });
  } catch (error) {
    await ports.idempotency.release(key);
    throw error;
  }
  if (outcome.kind !== 'done') {
    await ports.idempotency.release(key);
    return outcome;
  }
  if (!('recordedElsewhere' in outcome)) await ports.idempotency.complete(key, 'delivery', '', ports.clock.now());
  return { kind: 'done' };
}
