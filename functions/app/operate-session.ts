import { actorOf, auditEntry, SYSTEM_ACTOR, type AuditEntry, type RequestOrigin } from '../domain/audit';
import { findGateway, type GatewaySetting } from '../domain/config';
import { OperationFailedError, NotFoundError, PermissionDeniedError, ServiceUnavailableError, ValidationError } from '../domain/errors';
import { capabilityProblem } from '../domain/gateway';
import { isExternal, operationTotals, planOperation, settledAttempt, staleInFlight, type ChildTransaction, type OperationName } from '../domain/operations';
import { initiatorOf, mayOperate, type Principal } from '../domain/permissions';
import type { Session } from '../domain/session';
import type { Ports, SessionReader } from '../ports';
import type { OperationResult, PaymentGateway } from '../ports/payment-gateway';
import { changeSession, SETTLE_RETRIES, type SessionWritePorts } from './change-session';
import { getSession } from './get-session';

export type OperateSessionPorts = SessionWritePorts & Pick<Ports, 'config' | 'gateways' | 'log'>;

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
 * left: our own rules first), then, for a refund, capture or void, sent to the gateway that took
 * the payment with the child's reference as its id, and committed with its event only when the
 * gateway confirms. A lost race re-reads and plans again, so concurrent partial refunds never
 * refund more than was paid.
 */
export async function operateSession(ports: OperateSessionPorts, input: OperateSessionInput): Promise<OperationOutcome> {
  const { operation } = input;
  if (!mayOperate(input.principal, operation)) throw new PermissionDeniedError();
  const session = await findSession(ports, input);
  const referenceNumber = ports.ids.referenceNumber();
  // The child's own id (Ottu's children are payment transactions of their own) and who asked.
  const childSessionId = ports.ids.sessionId();
  const request = { operation, amount: input.amount || undefined, trackingKey: input.trackingKey, initiator: initiatorOf(input.principal) };
  const plan = (current: Session) => {
    const planned = planOperation(current, request, { referenceNumber, childSessionId, now: ports.clock.now() });
    if (!planned.ok) {
      if (current.deleted_at) throw new NotFoundError();
      if (planned.field) throw new ValidationError({ [planned.field]: [planned.reason] });
      throw new OperationFailedError(operation, planned.reason);
    }
    return planned;
  };
  if (!isExternal(operation)) {
    const { session: after } = await changeSession(ports, session, (current) => plan(current), { retry: true, audit: auditOf(ports, input, () => ({ result: 'success' })) });
    return { operation, session: after };
  }

  // 0. A reservation left by a request that died is settled from the gateway's record first.
  const current = await resolveStaleOperations(ports, session, input.origin);
  // 1. Reserve: our rules applied and the child kept in flight, in one conditional write, so two
  // operations at once cannot both take what is left while the gateway is asked.
  let child: ChildTransaction | undefined;
  const { session: reserved } = await changeSession(
    ports,
    current,
    (latest) => {
      child = plan(latest).transaction!;
      return { action: 'record', changes: { operations_in_flight: [...(latest.operations_in_flight ?? []), child] } };
    },
    { retry: true },
  );
  const sent = child!;
  // 2. Ask the gateway, with the child's reference as its id (a retry is the same transaction).
  const result = await callGateway(ports, reserved, sent).catch((error: unknown) => ({ kind: 'unknown' as const, explanation: (error as Error).name }));
  // 3. Commit the child with its event when the gateway confirmed; otherwise release the reservation.
  // The entry commits with the outcome: the child when confirmed, the released reservation when not.
  const audit = auditOf(ports, input, () => ({ result: result.kind === 'confirmed' ? 'success' : result.kind, amount: sent.amount, reference_number: sent.reference_number }));
  const { session: after, transaction } = await settle(ports, reserved, sent, result, audit);
  if (result.kind === 'refused') throw new OperationFailedError(operation, result.explanation);
  // Unknown is not refused: nothing is recorded, and the merchant is told to check before retrying.
  if (result.kind === 'unknown') throw new ServiceUnavailableError(`The payment gateway did not confirm the ${operation} (${result.explanation}); nothing was recorded yet. Check the payment's status before trying again.`);
  return { operation, session: after, transaction };
}

const ACTION = { refund: 'refund', capture: 'capture', void: 'void' } as const;

/**
 * Records the gateway's answer about a reserved child: confirmed, the child is committed with its
 * event; refused, absent or unknown, the reservation is released. A reservation no longer there
 * was settled by another request (a stale one resolved twice at once): nothing changes.
 */
async function settle(ports: OperateSessionPorts, session: Session, sent: ChildTransaction, result: OperationResult | { kind: 'absent' }, audit?: (next: Session) => AuditEntry) {
  let transaction: ChildTransaction | undefined;
  const { session: after } = await changeSession(
    ports,
    session,
    (current) => {
      const inFlight = current.operations_in_flight ?? [];
      if (!inFlight.some((kept) => kept.reference_number === sent.reference_number)) return undefined;
      const rest = inFlight.filter((kept) => kept.reference_number !== sent.reference_number);
      const changes = { operations_in_flight: rest.length > 0 ? rest : undefined };
      if (result.kind !== 'confirmed') return { action: 'record', changes };
      transaction = { ...sent, version: current.version + 1, pg_response: result.pg_response, pg_params: result.pg_params };
      return { action: ACTION[sent.operation], changes: { ...changes, transactions: [...(current.transactions ?? []), transaction] } };
    },
    { retry: true, retries: SETTLE_RETRIES, audit },
  );
  return { session: after, transaction };
}

/**
 * Reservations older than IN_FLIGHT_MS were left by a request whose Lambda died between the
 * reservation and recording the gateway's answer, perhaps after the gateway did it. Letting them
 * expire could refund twice; so the gateway is asked (a GET, never a resend): done there, the
 * child is committed with its event; not there or refused, the reservation is released; no
 * answer, it stays and keeps counting against what is left. Run by the next operation on the
 * session and by the merchant's inquiry (inquire-session.ts); each resolution commits with its
 * audit entry, the service's, on behalf of the request (`origin`) that found it.
 */
export async function resolveStaleOperations(ports: OperateSessionPorts, session: Session, origin: RequestOrigin): Promise<Session> {
  let current = session;
  for (const child of staleInFlight(session, ports.clock.now())) {
    const result = await lookUp(ports, current, child).catch((error: unknown) => ({ kind: 'unknown' as const, explanation: (error as Error).name }));
    ports.log.info('operation left in flight by a request that died, asked at the gateway', { session_id: session.session_id, reference_number: child.reference_number, operation: child.operation, outcome: result.kind });
    if (result.kind === 'unknown') continue;
    current = (await settle(ports, current, child, result, staleAudit(ports, origin, child, result.kind))).session;
  }
  return current;
}

/**
 * The audit entry of a stale reservation resolved: the service did it (its original caller's
 * request is gone; the child names who asked), on the gateway's record, during `origin`'s request.
 */
function staleAudit(ports: OperateSessionPorts, origin: RequestOrigin, child: ChildTransaction, answer: 'confirmed' | 'refused' | 'absent') {
  return (next: Session): AuditEntry =>
    auditEntry(
      {
        entry_id: ports.ids.eventId(),
        actor: SYSTEM_ACTOR,
        address: origin.address,
        request_id: origin.requestId,
        action: 'operation.resolve-stale',
        session_id: next.session_id,
        details: {
          operation: child.operation,
          reference_number: child.reference_number,
          child_session_id: child.session_id ?? null,
          amount: child.amount,
          // committed: the gateway had done it; released: it had not (absent) or refused it.
          result: answer === 'confirmed' ? 'committed' : 'released',
          gateway_answer: answer,
          reserved_at: child.created_at,
          requested_by: child.initiator?.username ?? null,
          version: next.version,
          ...(child.tracking_key && { tracking_key: child.tracking_key }),
        },
      },
      ports.clock.now(),
    );
}

/** The gateway's record of a child sent earlier (Retrieve Transaction): never sends it again. */
async function lookUp(ports: OperateSessionPorts, session: Session, child: ChildTransaction): Promise<OperationResult | { kind: 'absent' }> {
  const attempt = settledAttempt(session);
  const connector = attempt && (await connectorFor(ports, session, attempt.pg_code));
  if (!attempt || !connector) return { kind: 'unknown', explanation: `the payment gateway ${child.pg_code} is not available` };
  return connector.lookup({ operation: child.operation, id: child.reference_number, attempt: { reference: attempt.reference_number, gateway: attempt.gateway, card_last4: attempt.card_last4 }, amount: child.amount, currency: child.currency_code });
}

/** The audit entry of this operation (docs/security.md): who, from where, in which request, and how it ended. */
function auditOf(ports: OperateSessionPorts, input: OperateSessionInput, details: () => Record<string, string>) {
  return (next: Session): AuditEntry =>
    auditEntry(
      {
        entry_id: ports.ids.eventId(),
        actor: actorOf(input.principal),
        address: input.origin.address,
        request_id: input.origin.requestId,
        action: `operation.${input.operation}`,
        session_id: next.session_id,
        details: { ...details(), version: next.version, ...(input.trackingKey && { tracking_key: input.trackingKey }) },
      },
      ports.clock.now(),
    );
}

/** Asks the gateway that took the payment to refund, capture or void; its capabilities first. */
async function callGateway(ports: OperateSessionPorts, session: Session, child: ChildTransaction): Promise<OperationResult> {
  const { operation } = child;
  const attempt = settledAttempt(session);
  const connector = attempt && (await connectorFor(ports, session, attempt.pg_code));
  if (!attempt || !connector) return { kind: 'refused', explanation: `The payment gateway ${child.pg_code || ''} is not available for a ${operation}.`.replace('  ', ' '), pg_response: {} };
  const totals = operationTotals(session);
  const problem = capabilityProblem(connector.capabilities, {
    operation,
    partial: operation !== 'void' && child.amount !== session.amount,
    repeated: operation === 'refund' ? totals.refunded > 0n : totals.captured > 0n,
  });
  if (problem) return { kind: 'refused', explanation: problem, pg_response: {} };
  return connector[operation]({ operation, id: child.reference_number, attempt: { reference: attempt.reference_number, gateway: attempt.gateway, card_last4: attempt.card_last4 }, amount: child.amount, currency: child.currency_code });
}

/**
 * The connector of the gateway that took the payment. A sandbox gateway since removed from the
 * configuration still answers for the sessions it paid (no money moved through it).
 */
async function connectorFor(ports: OperateSessionPorts, session: Session, pgCode: string): Promise<PaymentGateway | undefined> {
  const setting = findGateway(await ports.config.load(), pgCode) ?? removedSandbox(session, pgCode);
  return setting && ports.gateways.connect(setting);
}

function removedSandbox(session: Session, pgCode: string): GatewaySetting | undefined {
  const method = session.payment_methods.find((candidate) => candidate.code === pgCode);
  if (method?.type !== 'sandbox') return undefined;
  return { code: pgCode, name: method.name, pg: method.pg, is_sandbox: true, operation: session.operation, icon: method.icon, fee_percent: '0', currencies: [session.currency_code], attempt_limit: 0 };
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
