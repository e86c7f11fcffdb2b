import type { Agreement } from './agreement';
import type { PaymentAttempt, Session } from './session';

/**
 * The bounds of an auto-debit agreement's merchant-initiated charges (ottu-openapi.yaml
 * Agreement): `cycle_interval_days`, "the minimum number of days between payments agreed with
 * the payer", and `total_cycles`, "the number of merchant-initiated payments within the
 * recurring payment agreement". Kept per customer and agreement beside the card the agreement
 * charges (docs/saved-cards.md): how many merchant-initiated charges succeeded, when the last
 * payment under it was made (the customer's own first payment included: it is a payment between
 * which and the next the interval runs), and the charge whose outcome is not known yet.
 *
 * A charge takes the agreement's one slot when its pending attempt is committed, in the same
 * atomic write, under the bounds; its outcome is recorded with the attempt's: paid counts it
 * and stamps its time, failed only frees the slot, unknown keeps the slot taken (it may have been
 * charged), so a second charge can never slip in beside one whose outcome is unknown.
 */
export interface AgreementCycles {
  /** Merchant-initiated charges that succeeded. */
  charges: number;
  /** ISO 8601: when the last payment under the agreement was made (customer- or merchant-initiated). */
  last_paid_at?: string;
  /** References of merchant-initiated charges whose outcome is not known yet (one at most). */
  pending: string[];
}

export const NO_CYCLES: AgreementCycles = { charges: 0, pending: [] };

interface StepTarget {
  customer_id: string;
  agreement_id: string;
  /** The merchant-initiated attempt's reference_number. */
  reference: string;
}

/** What a session write does to its agreement's cycles, committed atomically with it. */
export type CycleStep =
  /**
   * A merchant-initiated charge starts: it takes the slot, only if no other charge holds it, the
   * agreement is set up (a card charges it), fewer than `total_cycles` charges succeeded and the
   * last payment was made before `paid_before`.
   */
  | (StepTarget & { kind: 'reserve'; total_cycles?: number; paid_before?: string })
  /** The charge succeeded: counted, its time stamped, the slot freed. Never refused: money moved. */
  | (StepTarget & { kind: 'charged'; paid_at: string })
  /** The charge failed: the slot freed, nothing counted. */
  | (StepTarget & { kind: 'released' });

const DAY_MS = 24 * 60 * 60 * 1000;

/** The first UTC day (YYYY-MM-DD) a payment may follow one made at `lastPaidAt`: its day plus the interval. */
export function nextPaymentDay(lastPaidAt: string, intervalDays: number): string {
  return new Date(Date.parse(`${lastPaidAt.slice(0, 10)}T00:00:00.000Z`) + intervalDays * DAY_MS).toISOString().slice(0, 10);
}

/**
 * The instant before which the last payment must have been made for a charge on `now`'s day:
 * the interval counts in whole UTC days, as the agreement's dates do (a monthly charge at 09:00
 * follows one at 10:00 thirty days before).
 */
export function paidBefore(now: Date, intervalDays: number): string {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return new Date(today - (intervalDays - 1) * DAY_MS).toISOString();
}

export type CycleRefusal =
  /** Another charge under the agreement awaits its gateway. */
  | { kind: 'busy'; message: string }
  /** The agreement's bounds refuse a charge now. */
  | { kind: 'refused'; message: string };

/** Why the agreement allows no merchant-initiated charge on `now`, or undefined when it does. */
export function cycleRefusal(agreement: Agreement & { id: string }, cycles: AgreementCycles, now: Date): CycleRefusal | undefined {
  if (cycles.pending.length > 0) {
    return { kind: 'busy', message: `Another charge under agreement ${agreement.id} awaits its gateway; ask the inquiry for its outcome before charging again.` };
  }
  const total = agreement.total_cycles;
  if (total !== undefined && cycles.charges >= total) {
    return { kind: 'refused', message: `Agreement ${agreement.id} allows ${total} merchant-initiated payment${total === 1 ? '' : 's'}, and ${cycles.charges} ${cycles.charges === 1 ? 'was' : 'were'} charged.` };
  }
  const interval = agreement.cycle_interval_days;
  if (interval !== undefined && cycles.last_paid_at !== undefined && cycles.last_paid_at >= paidBefore(now, interval)) {
    return { kind: 'refused', message: `Agreement ${agreement.id} allows one payment every ${interval} day${interval === 1 ? '' : 's'}: the next may be charged from ${nextPaymentDay(cycles.last_paid_at, interval)}.` };
  }
  return undefined;
}

/**
 * What a change from `previous` to `next` does to the agreement's cycles: read off the
 * merchant-initiated attempts, so every write that starts or settles one carries its step,
 * whichever path made it (the auto-debit, a sync, an inquiry). A write that changes no such
 * attempt has none; a write that is retried after a lost race is planned again on the session as
 * it then is, so a charge is counted by exactly one committed write.
 */
export function cycleStep(previous: Pick<Session, 'attempts'>, next: Pick<Session, 'attempts' | 'agreement'>): CycleStep | undefined {
  const before = new Map(previous.attempts.map((attempt) => [attempt.reference_number, attempt]));
  for (const attempt of next.attempts) {
    const charged = attempt.merchant_initiated;
    if (!charged) continue;
    const was = before.get(attempt.reference_number);
    // The agreement the attempt was charged under, whatever the session says now.
    const target = { customer_id: charged.customer_id, agreement_id: charged.agreement_id, reference: attempt.reference_number };
    if (!was && attempt.result === 'pending') return { ...target, kind: 'reserve', ...bounds(next.agreement ?? {}, attempt) };
    if (was?.result === 'pending' && attempt.result === 'success') return { ...target, kind: 'charged', paid_at: attempt.attempted_at };
    if (was?.result === 'pending' && attempt.result === 'failed') return { ...target, kind: 'released' };
  }
  return undefined;
}

function bounds(agreement: Partial<Agreement>, attempt: PaymentAttempt): { total_cycles?: number; paid_before?: string } {
  return {
    ...(agreement.total_cycles !== undefined ? { total_cycles: agreement.total_cycles } : {}),
    ...(agreement.cycle_interval_days !== undefined ? { paid_before: paidBefore(new Date(attempt.attempted_at), agreement.cycle_interval_days) } : {}),
  };
}

/**
 * Whether the slot may be taken (the condition of a `reserve` step, as the stores test it).
 * `established`: a card charges the agreement.
 */
export function mayReserve(step: Extract<CycleStep, { kind: 'reserve' }>, cycles: AgreementCycles, established: boolean): boolean {
  return (
    established &&
    cycles.pending.length === 0 &&
    (step.total_cycles === undefined || cycles.charges < step.total_cycles) &&
    (step.paid_before === undefined || cycles.last_paid_at === undefined || cycles.last_paid_at < step.paid_before)
  );
}

/** The cycles after a step (the embedded store; DynamoDB's update expressions do the same). */
export function applyCycleStep(cycles: AgreementCycles, step: CycleStep): AgreementCycles {
  const pending = cycles.pending.filter((reference) => reference !== step.reference);
  if (step.kind === 'reserve') return { ...cycles, pending: [...pending, step.reference] };
  if (step.kind === 'charged') return { charges: cycles.charges + 1, last_paid_at: step.paid_at, pending };
  return { ...cycles, pending };
}
