import type { SessionEvent } from './events';
import type { ChildTransaction } from './operations';
import type { Session } from './session';
import { signWebhook } from './webhook-signature';

/**
 * Ottu's operation payload (PaymentOperationResponses, the `operation-webhook`): what one
 * refund, capture or void did, with its child transaction in `txn`. The same document answers
 * the operation request and is POSTed to the session's webhook_url by the operation's event
 * (with the gateway's answer in `pg_response` and `pg_params`, and who asked in `initiator`),
 * signed as every Ottu payload is (amount, currency_code, order_no, reference_number, result).
 */
export function operationPayload(session: Session, child: ChildTransaction) {
  const method = session.payment_methods.find((candidate) => candidate.code === child.pg_code);
  return {
    amount: child.amount,
    currency_code: child.currency_code,
    session_id: session.session_id,
    // Ottu's operation document types it as a string: empty, not null, when the session has none.
    order_no: session.order_no ?? '',
    operation: child.operation,
    pg_code: child.pg_code,
    is_sandbox: method ? method.type === 'sandbox' : true,
    reference_number: child.reference_number,
    result: 'success' as const,
    success: true,
    source: 'input' as const,
    timestamp_utc: child.created_at.slice(0, 19).replace('T', ' '),
    pg_response: child.pg_response ?? {},
    pg_params: child.pg_params ?? {},
    initiator: child.initiator ?? null,
    // The child is a payment transaction of its own: its own session_id (the status query
    // answers it), as in Ottu's example; a child stored before it had one shows the parent's.
    txn: { amount: child.amount, currency_code: child.currency_code, order_no: session.order_no ?? '', session_id: child.session_id ?? session.session_id, state: child.state },
  };
}

export function signedOperationPayload(session: Session, child: ChildTransaction, key: string) {
  const payload = operationPayload(session, child);
  return { ...payload, signature: signWebhook(payload, key) };
}

/** The child transaction an operation event stands for: the one committed with the event's version. */
export function childOfEvent(session: Session, event: Pick<SessionEvent, 'type' | 'version'>): ChildTransaction | undefined {
  if (event.type !== 'refunded' && event.type !== 'captured' && event.type !== 'voided') return undefined;
  return (session.transactions ?? []).find((child) => child.version === event.version);
}
