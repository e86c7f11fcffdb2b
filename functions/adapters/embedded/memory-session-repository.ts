import { stampRequestId } from '../request-context';
import { AgreementCycleRefusedError, OrderNoTakenError, VersionConflictError } from '../../domain/errors';
import type { SessionEvent } from '../../domain/events';
import type { CommitWith } from '../../ports/session-repository';
import type { MemoryAuditLog } from './memory-audit-log';
import type { MemorySavedCards } from './memory-saved-cards';
import { expiryIndexKeys } from '../../domain/expiry';
import { claimedOrderNo, type Session } from '../../domain/session';
import type { ReadOptions, SessionBatchReader, SessionRepository } from '../../ports';

/**
 * In-memory twin of the DynamoDB repository. Each method checks and writes without awaiting in
 * between, so on Node's single thread every commit is atomic, like a TransactWriteItems.
 */
export class MemorySessionRepository implements SessionRepository, SessionBatchReader {
  private readonly sessions = new Map<string, Session>();
  private readonly orderNos = new Map<string, string>();
  /** order_no → the session that last gave it back (the claim item's `released` pointer on AWS). */
  private readonly releasedOrderNos = new Map<string, string>();
  /** Child transaction id → parent session id (the CHILD# items on AWS). */
  private readonly children = new Map<string, string>();
  /** The expiry index (gsi1 on AWS): partition key → session id → sort key, every session, closed ones too. */
  private readonly expiryIndex = new Map<string, Map<string, string>>();
  /** Committed events, oldest first: the outbox the event router drains. */
  readonly outbox: SessionEvent[] = [];
  private readonly listeners: Array<(events: SessionEvent[]) => void> = [];

  /**
   * `audit`: where an operation's audit entry is appended with its change (the embedded ports share
   * one); `cards`: where an auto-debit write's agreement cycles are kept (the embedded saved cards).
   */
  constructor(
    private readonly audit?: MemoryAuditLog,
    private readonly cards?: Pick<MemorySavedCards, 'cycleStepAllowed' | 'applyCycleStep'>,
  ) {}

  /** Memory has no replicas: every read is the latest write, whatever consistency is asked for. */
  async get(sessionId: string, _options?: ReadOptions): Promise<Session | undefined> {
    const session = this.sessions.get(sessionId);
    return session && structuredClone(session);
  }

  /** One `get` each (so a subclass's reads are its own), in the order asked. */
  async getMany(sessionIds: readonly string[], options?: ReadOptions): Promise<Map<string, Session>> {
    const found = new Map<string, Session>();
    for (const id of new Set(sessionIds)) {
      const session = await this.get(id, options);
      if (session) found.set(id, session);
    }
    return found;
  }

  /** Every session (the local dashboard; the AWS table has no such scan). */
  list(): Session[] {
    return [...this.sessions.values()].map((session) => structuredClone(session));
  }

  async findByOrderNo(orderNo: string): Promise<Session | undefined> {
    const sessionId = this.orderNos.get(orderNo);
    return sessionId === undefined ? undefined : this.get(sessionId);
  }

  async lastByOrderNo(orderNo: string): Promise<Session | undefined> {
    const sessionId = this.orderNos.get(orderNo) ?? this.releasedOrderNos.get(orderNo);
    const session = sessionId === undefined ? undefined : await this.get(sessionId);
    return session?.order_no === orderNo ? session : undefined;
  }

  async findByChildId(childSessionId: string): Promise<Session | undefined> {
    const parentId = this.children.get(childSessionId);
    return parentId === undefined ? undefined : this.get(parentId);
  }

  async create(session: Session, events: SessionEvent[]): Promise<void> {
    if (this.sessions.has(session.session_id)) throw new VersionConflictError(session.session_id);
    const claim = claimedOrderNo(session);
    if (claim !== undefined && this.orderNos.has(claim)) throw new OrderNoTakenError(claim);
    if (claim !== undefined) this.orderNos.set(claim, session.session_id);
    this.sessions.set(session.session_id, structuredClone(session));
    this.reindex(undefined, session);
    this.commit(events);
  }

  async update(next: Session, previous: Session, events: SessionEvent[], { audit, cycle }: CommitWith = {}): Promise<void> {
    const stored = this.sessions.get(previous.session_id);
    if (!stored || stored.version !== previous.version) throw new VersionConflictError(previous.session_id);
    const before = claimedOrderNo(stored);
    const after = claimedOrderNo(next);
    if (after !== undefined && after !== before && this.orderNos.has(after)) throw new OrderNoTakenError(after);
    if (cycle) {
      if (!this.cards) throw new Error('This session store keeps no agreement cycles.');
      if (!this.cards.cycleStepAllowed(cycle)) throw new AgreementCycleRefusedError(cycle.agreement_id);
      this.cards.applyCycleStep(cycle);
    }
    if (before !== undefined && before !== after) {
      this.orderNos.delete(before);
      this.releasedOrderNos.set(before, previous.session_id);
    }
    if (after !== undefined) this.orderNos.set(after, next.session_id);
    if (audit) {
      if (!this.audit) throw new Error('This session store keeps no audit trail.');
      this.audit.append(audit);
    }
    this.sessions.set(next.session_id, structuredClone(next));
    for (const child of next.transactions ?? []) if (child.session_id) this.children.set(child.session_id, next.session_id);
    this.reindex(stored, next);
    this.commit(events);
  }

  /** Sort keys in one expiry index partition, ascending (what a gsi1 Query returns). */
  expiryPartition(partitionKey: string): string[] {
    return [...(this.expiryIndex.get(partitionKey)?.values() ?? [])].sort();
  }

  /** Called with every committed batch of events (the embedded stand-in for a change stream). */
  onCommit(listener: (events: SessionEvent[]) => void): void {
    this.listeners.push(listener);
  }

  /** Moves the session's index entry as the DynamoDB item's gsi1 keys would move (only with expires_at). */
  private reindex(before: Session | undefined, after: Session): void {
    const old = before && expiryIndexKeys(before);
    if (old) {
      const partition = this.expiryIndex.get(old.gsi1pk);
      partition?.delete(before.session_id);
      if (partition?.size === 0) this.expiryIndex.delete(old.gsi1pk);
    }
    const keys = expiryIndexKeys(after);
    const partition = this.expiryIndex.get(keys.gsi1pk) ?? new Map<string, string>();
    partition.set(after.session_id, keys.gsi1sk);
    this.expiryIndex.set(keys.gsi1pk, partition);
  }

  private commit(committed: SessionEvent[]): void {
    const events = stampRequestId(committed);
    this.outbox.push(...events);
    for (const listener of this.listeners) listener(events);
  }
}
