import { minorUnits } from './currencies';
import { formatMinor, parseAmount } from './money';
import type { PgParams } from './gateway';
import type { Initiator } from './permissions';
import type { Session } from './session';
import { allows, type Action } from './state-machine';

/**
 * Ottu's operations on an existing payment transaction (POST /b/pbl/v2/operation/). Three are
 * internal (cancel, expire, delete: the session's own state changes) and three are external
 * (refund, capture, void: the gateway is asked, and on success a child transaction records it).
 * Which state allows which is the transition table's (domain/state-machine.ts); this module
 * adds the amounts: what is left to capture or refund, in the currency's minor units.
 */
export const OPERATIONS = ['refund', 'capture', 'void', 'cancel', 'expire', 'delete'] as const;
export type OperationName = (typeof OPERATIONS)[number];
export type ExternalOperation = 'refund' | 'capture' | 'void';
export const EXTERNAL_OPERATIONS: readonly OperationName[] = ['refund', 'capture', 'void'];

export function isExternal(operation: OperationName): operation is ExternalOperation {
  return EXTERNAL_OPERATIONS.includes(operation);
}

/** A child transaction: what one successful refund, capture or void did (Ottu's ChildPayment). */
export interface ChildTransaction {
  /**
   * The child's own id (40 hex characters, random like a session's): the payment status query
   * answers the child by it. Absent on children stored before it existed.
   */
  session_id?: string;
  operation: ExternalOperation;
  /** Ottu's child states: a capture is `paid`, a refund `refunded`, a void `voided`. */
  state: 'paid' | 'refunded' | 'voided';
  amount: string;
  currency_code: string;
  /** Unique per operation; sent to the gateway, shown to the merchant. */
  reference_number: string;
  pg_code: string;
  /** The merchant's Tracking-Key, when it sent one. */
  tracking_key: string | null;
  /** Who asked for the operation. */
  initiator?: Initiator | null;
  /** The session version this child was committed with: its event carries the same version. */
  version: number;
  created_at: string;
  /** The gateway's answer to the operation (Ottu's `pg_response`), scrubbed. */
  pg_response?: Record<string, unknown>;
  /** Ottu's normalized gateway fields for the operation. */
  pg_params?: PgParams;
}

const CHILD_STATE: Record<ExternalOperation, ChildTransaction['state']> = { capture: 'paid', refund: 'refunded', void: 'voided' };

const ACTIONS: Record<OperationName, Action> = { refund: 'refund', capture: 'capture', void: 'void', cancel: 'cancel', expire: 'expire', delete: 'delete' };

/** A child as the API shows it (inside `transactions`): without our bookkeeping. */
export function renderChild(child: ChildTransaction, orderNo: string | null) {
  const { version: _v, tracking_key: _k, ...shown } = child;
  return { ...shown, session_id: child.session_id ?? '', order_no: orderNo, pg_response: child.pg_response ?? {}, pg_params: child.pg_params ?? {}, initiator: child.initiator ?? null };
}

/** The sums of a session's children, in minor units. */
export function operationTotals(session: Pick<Session, 'transactions'>) {
  const sum = (operation: ExternalOperation) =>
    (session.transactions ?? []).filter((child) => child.operation === operation).reduce((total, child) => total + digits(child.amount), 0n);
  return { captured: sum('capture'), refunded: sum('refund'), voided: sum('void') };
}

/**
 * How long an operation reserved before calling the gateway belongs to the request that reserved
 * it (well past the gateway's timeout and the function's). Older, that request's Lambda died
 * between the reservation and recording the outcome: the reservation still counts against what
 * is left (the gateway may have done it), and the next operation on the session asks the gateway
 * about it first (staleInFlight; app/operate-session.ts), never letting it simply expire.
 */
export const IN_FLIGHT_MS = 120_000;

/** Reservations whose request is surely gone: to be resolved by asking the gateway, oldest first. */
export function staleInFlight(session: Pick<Session, 'operations_in_flight'>, now: Date): ChildTransaction[] {
  return (session.operations_in_flight ?? []).filter((child) => now.getTime() - Date.parse(child.created_at) >= IN_FLIGHT_MS);
}

/** The session's children as if every operation in flight were confirmed: what planning must leave room for. */
function withInFlight(session: Session): Session {
  const inFlight = session.operations_in_flight ?? [];
  return inFlight.length === 0 ? session : { ...session, transactions: [...(session.transactions ?? []), ...inFlight] };
}

/** The document's money fields for operations, as decimal strings with the currency's decimals. */
export function operationAmounts(session: Pick<Session, 'transactions' | 'currency_code'>) {
  const totals = operationTotals(session);
  const decimals = minorUnits(session.currency_code) ?? 0;
  return {
    captured_amount: formatMinor(totals.captured, decimals),
    refunded_amount: formatMinor(totals.refunded, decimals),
    voided_amount: formatMinor(totals.voided, decimals),
  };
}

/**
 * What is left for an operation: a paid session refunds what was paid; an authorized one
 * captures what is not captured yet, and refunds what was captured (Ottu: "for authorized
 * transactions, a capture must be completed first").
 */
export function remainingFor(session: Session, operation: 'refund' | 'capture'): bigint {
  const totals = operationTotals(session);
  const amount = digits(session.amount);
  // A void releases the whole authorization: nothing is left to capture (or refund) after it.
  if (totals.voided > 0n) return 0n;
  if (operation === 'capture') return amount - totals.captured;
  const refundable = session.state === 'paid' ? amount : totals.captured;
  return refundable - totals.refunded;
}

export type OperationPlan =
  | { ok: true; action: Action; changes: Partial<Session>; transaction?: ChildTransaction }
  /** `field`: the request's field at fault (answered as a field error, `{"amount": [...]}`). */
  | { ok: false; reason: string; field?: 'amount' };

export interface OperationRequest {
  operation: OperationName;
  /** Decimal text as sent; absent means the full (or remaining) amount. */
  amount?: string;
  trackingKey?: string;
  initiator?: Initiator;
}

/**
 * The change one operation makes to `session`, or why it is refused. Pure: the reference
 * number and the clock come in, so a retried plan after a lost race is computed afresh.
 */
export function planOperation(stored: Session, request: OperationRequest, context: { referenceNumber: string; childSessionId: string; now: Date }): OperationPlan {
  const { operation } = request;
  // Operations on their way to the gateway count as done, so two at once cannot both take what is left.
  const session = withInFlight(stored);
  const action = ACTIONS[operation];
  if (session.deleted_at) return { ok: false, reason: 'Not found.' };
  if (!allows(session.state, action)) return { ok: false, reason: `Cannot ${operation} a payment transaction in state "${session.state}".` };
  if (!isExternal(operation)) {
    return { ok: true, action, changes: operation === 'delete' ? { deleted_at: context.now.toISOString() } : {} };
  }
  const decimals = minorUnits(session.currency_code) ?? 0;
  let minor: bigint;
  if (operation === 'void') {
    if (operationTotals(session).voided > 0n) return { ok: false, reason: 'The authorization was already voided.' };
    if (operationTotals(session).captured > 0n) return { ok: false, reason: 'Cannot void an authorization that was already captured in part; refund the captured amount instead.' };
    // Ottu: a void always applies to the full amount, whatever `amount` says.
    minor = digits(session.amount);
  } else {
    const left = remainingFor(session, operation);
    if (left <= 0n) {
      return { ok: false, reason: leftReason(session, operation) };
    }
    if (request.amount === undefined) minor = left;
    else {
      const parsed = parseAmount(request.amount, decimals);
      if (!parsed.ok) return { ok: false, reason: amountProblem(parsed.problem, decimals), field: 'amount' };
      minor = parsed.minor;
      if (minor > left) return { ok: false, reason: `The amount exceeds what is left to ${operation} (${formatMinor(left, decimals)} ${session.currency_code}).` };
    }
  }
  const pgCode = session.settled_pg_code ?? session.attempts.at(-1)?.pg_code ?? '';
  const amount = formatMinor(minor, decimals);
  const transaction: ChildTransaction = {
    session_id: context.childSessionId,
    operation,
    state: CHILD_STATE[operation],
    amount,
    currency_code: session.currency_code,
    reference_number: context.referenceNumber,
    pg_code: pgCode,
    tracking_key: request.trackingKey ?? null,
    initiator: request.initiator ?? null,
    version: stored.version + 1,
    created_at: context.now.toISOString(),
  };
  return { ok: true, action, changes: { transactions: [...(stored.transactions ?? []), transaction] }, transaction };
}

/** The attempt that paid or authorized the session: the gateway's order every operation applies to. */
export function settledAttempt(session: Pick<Session, 'attempts' | 'settled_pg_code'>) {
  return [...session.attempts].reverse().find((attempt) => attempt.result === 'success' && (!session.settled_pg_code || attempt.pg_code === session.settled_pg_code));
}

function leftReason(session: Session, operation: 'refund' | 'capture'): string {
  const totals = operationTotals(session);
  if (totals.voided > 0n) return `The authorization was voided: nothing is left to ${operation}.`;
  if (operation === 'refund' && session.state === 'authorized' && totals.captured === 0n) return 'Nothing was captured yet: capture the authorized amount before refunding it.';
  return `Nothing is left to ${operation}.`;
}

function amountProblem(problem: string, decimals: number): string {
  if (problem === 'too_many_decimals') return `Ensure that there are no more than ${decimals} decimal places.`;
  if (problem === 'not_positive') return 'Ensure this value is greater than 0.';
  if (problem === 'too_many_digits') return 'Ensure that there are no more than 20 digits in total.';
  return 'A valid number is required.';
}

/** Stored amounts carry exactly the currency's decimals, so their digits are the minor units. */
function digits(decimal: string): bigint {
  return BigInt(decimal.replace('.', ''));
}
