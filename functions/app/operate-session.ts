import { actorOf, auditEntry, type RequestOrigin } from '../domain/audit';
import { OperationFailedError, NotFoundError, PermissionDeniedError } from '../domain/errors';
import { planOperation, type ChildTransaction, type OperationName } from '../domain/operations';
import { mayOperate, type Principal } from '../domain/permissions';
import type { Session } from '../domain/session';
import type { SessionReader } from '../ports';
import { changeSession, type SessionWritePorts } from './change-session';
import { getSession } from './get-session';

export type OperateSessionPorts = SessionWritePorts;

export interface OperateSessionInput {
  principal: Principal;
  operation: OperationName;
  sessionId?: string | null;
  orderNo?: string | null;
  /** Decimal text; absent (or blank) means the full or remaining amount. */
  amount?: string | null;
  trackingKey?: string;
  /** Where the request came from, for its audit entry. */
  origin: RequestOrigin;
}

export interface OperationOutcome {
  operation: OperationName;
  session: Session;
  /** The child transaction of a refund, capture or void. */
  transaction?: ChildTransaction;
}

/**
 * One operation on a session (POST /b/pbl/v2/operation/): checked against the caller's
 * permissions, planned against the session as stored (the transition table and the amounts
 * left), and committed with its event through changeSession. A lost race re-reads and plans
 * again, so concurrent partial refunds never refund more than was paid.
 */
export async function operateSession(ports: OperateSessionPorts, input: OperateSessionInput): Promise<OperationOutcome> {
  const { operation } = input;
  if (!mayOperate(input.principal, operation)) throw new PermissionDeniedError();
  const session = await findSession(ports, input);
  const referenceNumber = ports.ids.referenceNumber();
  let transaction: ChildTransaction | undefined;
  const { session: after } = await changeSession(
    ports,
    session,
    (current) => {
      const plan = planOperation(current, { operation, amount: input.amount || undefined, trackingKey: input.trackingKey }, { referenceNumber, now: ports.clock.now() });
      if (!plan.ok) {
        if (current.deleted_at) throw new NotFoundError();
        throw new OperationFailedError(operation, plan.reason);
      }
      transaction = plan.transaction;
      return { action: plan.action, changes: plan.changes };
    },
    {
      retry: true,
      // Who did it, from where, in which request: committed with the change (docs/security.md).
      audit: (next) =>
        auditEntry(
          {
            entry_id: ports.ids.eventId(),
            actor: actorOf(input.principal),
            address: input.origin.address,
            request_id: input.origin.requestId,
            action: `operation.${operation}`,
            session_id: next.session_id,
            details: {
              version: next.version,
              ...(transaction && { amount: transaction.amount, reference_number: transaction.reference_number }),
              ...(input.trackingKey && { tracking_key: input.trackingKey }),
            },
          },
          ports.clock.now(),
        ),
    },
  );
  return { operation, session: after, transaction };
}

/**
 * The session named by `session_id`, else by `order_no`: the live one holding it or, with
 * `orReleased` (the status query), the last one that gave it back. Deleted ones are not found.
 */
export async function findSession(ports: { sessions: SessionReader }, input: { sessionId?: string | null; orderNo?: string | null }, { orReleased = false } = {}): Promise<Session> {
  if (input.sessionId) return getSession(ports, input.sessionId);
  const byOrderNo = (orderNo: string) => (orReleased ? ports.sessions.lastByOrderNo(orderNo) : ports.sessions.findByOrderNo(orderNo));
  const session = input.orderNo ? await byOrderNo(input.orderNo) : undefined;
  if (!session || session.deleted_at) throw new NotFoundError();
  return session;
}
