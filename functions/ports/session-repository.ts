import type { CycleStep } from '../domain/agreement-cycle';
import type { AuditEntry } from '../domain/audit';
import type { SessionEvent } from '../domain/events';
import type { Session } from '../domain/session';

/**
 * How fresh a read must be. Strong (the default) answers the latest committed write. Eventually
 * consistent (`consistent: false`, half the price on DynamoDB) may answer an older version, but
 * never "not found" for a session that exists. Only a caller whose next step catches an older
 * version may ask for it: a write conditional on the version read (VersionConflictError), or a
 * check of the version against the event being delivered. docs/dynamodb.md lists who does.
 */
export interface ReadOptions {
  consistent?: boolean;
}

export interface SessionRepository {
  get(sessionId: string, options?: ReadOptions): Promise<Session | undefined>;
  /** The live session holding the `order_no` claim (the ORDERNO# item), if any. */
  findByOrderNo(orderNo: string): Promise<Session | undefined>;
  /**
   * The live session holding `order_no` or, when none does, the last one that gave it back by
   * reaching a final failed state (the payment status query reports those too). A session that
   * changed or cleared its order_no since is not found by the old one.
   */
  lastByOrderNo(orderNo: string): Promise<Session | undefined>;
  /**
   * The session one of whose child transactions (a refund, capture or void) has this
   * `session_id`: Ottu's children are payment transactions of their own, found by their id.
   */
  findByChildId(childSessionId: string): Promise<Session | undefined>;
  /**
   * Writes a new session, its order_no claim and its events in one atomic commit.
   * Throws OrderNoTakenError when a live session holds the order_no.
   */
  create(session: Session, events: SessionEvent[]): Promise<void>;
  /**
   * Replaces `previous` by `next` only if the stored version is still `previous.version`
   * (VersionConflictError otherwise), moving the order_no claim when it changes (released when
   * the session leaves the states that hold it) and committing the events with it. A child
   * transaction new in `next` becomes findable by its id (findByChildId). An `audit` entry (a
   * merchant's operation) is committed in the same write, never without the change; so is a
   * `cycle` step (an auto-debit charge started or settled: its agreement's cycles), and a
   * `reserve` step the agreement's bounds refuse fails the whole write (AgreementCycleRefusedError).
   */
  update(next: Session, previous: Session, events: SessionEvent[], commit?: CommitWith): Promise<void>;
}

/** What a session write commits with it, atomically. */
export interface CommitWith {
  audit?: AuditEntry;
  cycle?: CycleStep;
}

/**
 * Many sessions in one read (BatchGetItem on AWS: up to 100 keys a request, each item billed as
 * its own GetItem). The expiry sweep reads a page of the index at a time this way: one request
 * per page instead of one per session, which is most of its CPU.
 */
export interface SessionBatchReader {
  /**
   * The sessions among `sessionIds` that exist, by id. Eventually consistent reads
   * (`consistent: false`) that miss a session ask again strongly, as `get` does: a session that
   * exists is never reported missing.
   */
  getMany(sessionIds: readonly string[], options?: ReadOptions): Promise<Map<string, Session>>;
}

/** The reads alone: what a function granted only GetItem on the table may build (dynamoSessionReader). */
export type SessionReader = Pick<SessionRepository, 'get' | 'findByOrderNo' | 'lastByOrderNo' | 'findByChildId'>;
