/**
 * The one transition table. Every state change goes through `transition`, which returns the
 * new state and the event it emits, or says the change is not allowed.
 */

export const STATES = [
  'created',
  'pending',
  'attempted',
  'authorized',
  'paid',
  'failed',
  'canceled',
  'expired',
  'invalided',
  'refunded',
  'voided',
] as const;
export type State = (typeof STATES)[number];

/** Events a merchant can ask notifications for (the seed's list). */
export const NOTIFICATION_EVENTS = [
  'created',
  'paid',
  'canceled',
  'failed',
  'expired',
  'authorized',
  'voided',
  'refunded',
  'captured',
] as const;
export type NotificationEvent = (typeof NOTIFICATION_EVENTS)[number];

export type EventType = NotificationEvent | 'pending' | 'attempted';

/** States in which a merchant may still change the session (PATCH/PUT) and a customer may pay. */
export const OPEN_STATES: readonly State[] = ['created', 'pending', 'attempted'];
/** Final states that give the session's order_no back to the merchant. */
export const ORDER_NO_RELEASING_STATES: readonly State[] = ['failed', 'canceled', 'expired', 'invalided'];

export type Action =
  | 'create'
  | 'edit'
  | 'record'
  | 'open'
  | 'start_attempt'
  | 'settle_attempt'
  | 'attempt_failed'
  | 'pay'
  | 'authorize'
  | 'fail'
  | 'cancel'
  | 'expire'
  | 'capture'
  | 'void'
  | 'refund'
  | 'delete';

/** A new session has no state yet; only `create` starts from here. */
export const NEW = 'new';
type From = State | typeof NEW;

interface Rule {
  from: readonly From[];
  /** `same`: the fields change, the state does not. */
  to: State | 'same';
  /** What the change tells the merchant, if anything (an edit or a delivery report says nothing). */
  event?: EventType;
}

const RULES: Record<Action, Rule> = {
  create: { from: [NEW], to: 'created', event: 'created' },
  // PATCH/PUT by the merchant: Ottu sends no event for an update either.
  edit: { from: OPEN_STATES, to: 'same' },
  // Delivery bookkeeping (webhook status, rejected notifications) on a session in any state.
  record: { from: STATES, to: 'same' },
  open: { from: ['created'], to: 'pending', event: 'pending' },
  // The customer leaves for a hosted gateway's page: the attempt (pending) is kept, nothing is
  // told yet; its outcome comes with pay, authorize, attempt_failed or fail once the gateway says.
  start_attempt: { from: OPEN_STATES, to: 'same' },
  // A gateway's late answer on a session that moved on (paid by another attempt, expired): the
  // attempt records it, the state does not change (the mismatch is logged and alarmed).
  settle_attempt: { from: STATES, to: 'same' },
  attempt_failed: { from: OPEN_STATES, to: 'attempted', event: 'attempted' },
  pay: { from: OPEN_STATES, to: 'paid', event: 'paid' },
  authorize: { from: OPEN_STATES, to: 'authorized', event: 'authorized' },
  fail: { from: OPEN_STATES, to: 'failed', event: 'failed' },
  cancel: { from: OPEN_STATES, to: 'canceled', event: 'canceled' },
  expire: { from: OPEN_STATES, to: 'expired', event: 'expired' },
  // Operations (POST /b/pbl/v2/operation/), as Ottu's transaction-states page shows them: a
  // capture, refund or void is a child transaction and the parent keeps its state (an authorized
  // parent stays `authorized` with `paid` (captured) or `voided` children; a paid one stays `paid`
  // with `refunded` children). `refunded` and `voided` remain parent states only for sessions
  // stored before this rule. How much is left
  // to capture or refund is domain/operations.ts's to check; which state allows what is here.
  capture: { from: ['authorized'], to: 'same', event: 'captured' },
  void: { from: ['authorized'], to: 'same', event: 'voided' },
  refund: { from: ['paid', 'authorized'], to: 'same', event: 'refunded' },
  // Hidden from every read afterwards: soft for paid and authorized sessions (the money trail
  // stays), for good for the others (domain/session.ts isHardDeleted). Ottu sends no event for it.
  delete: { from: STATES, to: 'same' },
};

export type Transition = { ok: true; to: State; event?: EventType } | { ok: false; reason: string };

export function transition(from: From, action: Action): Transition {
  const rule = RULES[action];
  if (!rule.from.includes(from)) {
    return { ok: false, reason: `Cannot ${action.replace('_', ' ')} a payment transaction in state "${from}".` };
  }
  if (rule.to === 'same') {
    if (from === NEW) return { ok: false, reason: `Cannot ${action} a payment transaction that does not exist.` };
    return { ok: true, to: from, event: rule.event };
  }
  return { ok: true, to: rule.to, event: rule.event };
}

/** Whether the table allows `action` from `from` (the operation endpoint asks before it plans). */
export function allows(from: State, action: Action): boolean {
  return RULES[action].from.includes(from);
}

export function isOpen(state: State): boolean {
  return OPEN_STATES.includes(state);
}

export function holdsOrderNo(state: State): boolean {
  return !ORDER_NO_RELEASING_STATES.includes(state);
}
