import { stampRequestId } from '../request-context';
import { randomUUID } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { BatchGetCommand, GetCommand, PutCommand, TransactWriteCommand, type DynamoDBDocumentClient, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { AgreementCycleRefusedError, OrderNoTakenError, ServiceUnavailableError, VersionConflictError } from '../../domain/errors';
import type { AuditEntry } from '../../domain/audit';
import type { CycleStep } from '../../domain/agreement-cycle';
import type { SessionEvent } from '../../domain/events';
import { auditPut } from './dynamo-audit-log';
import { expiryIndexKeys } from '../../domain/expiry';
import { claimedOrderNo, type Session } from '../../domain/session';
import { removableAt, type SessionRetention } from '../../domain/retention';
import type { ReadOptions, SessionBatchReader, SessionReader, SessionRepository } from '../../ports';
import type { CommitWith } from '../../ports/session-repository';
import { agreementCycleUpdate } from './dynamo-saved-cards';
import { cancellationReasons, dynamoCall, isBusy, RETRYABLE_CANCELLATIONS } from './dynamo-errors';
import { childKey, orderNoKey, sessionKey, type ItemKey } from './table-keys';
import { ATTACHMENT_KEY_ATTRIBUTE, EVENTS_ATTRIBUTE, TTL_ATTRIBUTE } from '../../config/table';
import { attachmentKey, attachmentTokenOf } from '../../domain/attachment';
import { setting } from '../../config/env';
import { uses } from '../../config/needs';
import { dynamoDocumentClient } from './aws-clients';

/** Keys one BatchGetItem may ask for (DynamoDB's limit). */
const BATCH_GET_KEYS = 100;
/** Requests of one batch read before the keys DynamoDB keeps leaving unprocessed count as unavailable. */
const BATCH_GET_ATTEMPTS = 5;

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
/** What each item of a transaction stands for, so a cancellation reason can be named. */
type Role = { kind: 'session' } | { kind: 'claim'; orderNo: string } | { kind: 'release'; orderNo: string } | { kind: 'audit' } | { kind: 'cycle'; agreementId: string };
type Write = { role: Role; item: TransactItem };
type SessionPut = NonNullable<TransactItem['Put']>;
export interface DynamoSessionRepositoryOptions {
  /** Attempts of one write when DynamoDB cancels it for a conflicting transaction or throttling. */
  transactionAttempts?: number;
  /** Days an audit entry is kept (CHECKOUT_AUDIT_RETENTION_DAYS): needed to commit a change with one. */
  auditRetentionDays?: number;
  /** How long a closed session is kept (CHECKOUT_SESSION_RETENTION_*_DAYS); unset, until the merchant deletes it. */
  retention?: SessionRetention;
  /** Commits auto-debit charges' agreement cycles (the customer's AGREEMENT# item): built by dynamoChargingSessions. */
  agreementCycles?: boolean;
}

/**
 * Sessions on the single table (docs/dynamodb.md, docs/durability.md). A change is ONE write of
 * the session item, conditional on its version, that carries the events it commits in its
 * `events` attribute: the table stream's new image of that write is the outbox record, so the
 * change and its events commit together or not at all, for one write unit per KB. Only when the
 * order_no claim item must change too is the write a TransactWriteItems (session + claim moves).
 */
export class DynamoSessionRepository implements SessionRepository, SessionBatchReader {
  private readonly attempts: number;
  private readonly auditRetentionDays: number | undefined;
  private readonly retention: SessionRetention | undefined;
  private readonly agreementCycles: boolean;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
    options: DynamoSessionRepositoryOptions = {},
  ) {
    this.attempts = options.transactionAttempts ?? 3;
    this.auditRetentionDays = options.auditRetentionDays;
    this.retention = options.retention;
    this.agreementCycles = options.agreementCycles ?? false;
  }

  /**
   * One GetItem: strongly consistent unless asked otherwise, so a client that just wrote reads
   * its own write. An eventually consistent read (half a read unit) that finds nothing asks once
   * more, strongly: the replica it reached may not have the item yet, and a session created a
   * moment ago must not answer 404. Not found twice costs 1.5 units, as rare as a 404 is.
   */
  async get(sessionId: string, { consistent = true }: ReadOptions = {}): Promise<Session | undefined> {
    const read = async (strongly: boolean) =>
      (await dynamoCall(() => this.client.send(new GetCommand({ TableName: this.table, Key: sessionKey(sessionId), ConsistentRead: strongly })))).Item;
    const item = (await read(consistent)) ?? (consistent ? undefined : await read(true));
    return item ? fromItem(item) : undefined;
  }

  /**
   * BatchGetItem, 100 keys a request (DynamoDB's limit), keys it left unprocessed (throttling)
   * asked again after a pause. As `get`, an eventually consistent read that misses a session asks
   * once more strongly, for all of those at once.
   */
  async getMany(sessionIds: readonly string[], { consistent = true }: ReadOptions = {}): Promise<Map<string, Session>> {
    const found = new Map<string, Session>();
    const read = async (ids: readonly string[], strongly: boolean) => {
      for (let i = 0; i < ids.length; i += BATCH_GET_KEYS) {
        for (const item of await this.batchGet(ids.slice(i, i + BATCH_GET_KEYS).map(sessionKey), strongly)) {
          const session = fromItem(item);
          found.set(session.session_id, session);
        }
      }
    };
    const ids = [...new Set(sessionIds)];
    await read(ids, consistent);
    const missing = ids.filter((id) => !found.has(id));
    if (!consistent && missing.length > 0) await read(missing, true);
    return found;
  }

  private async batchGet(keys: ItemKey[], strongly: boolean): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let pending = keys;
    for (let attempt = 1; pending.length > 0; attempt++) {
      if (attempt > 1) {
        if (attempt > BATCH_GET_ATTEMPTS) throw new ServiceUnavailableError();
        await pause(attempt - 1);
      }
      const answer = await dynamoCall(() => this.client.send(new BatchGetCommand({ RequestItems: { [this.table]: { Keys: pending, ConsistentRead: strongly } } })));
      items.push(...(answer.Responses?.[this.table] ?? []));
      pending = (answer.UnprocessedKeys?.[this.table]?.Keys ?? []) as ItemKey[];
    }
    return items;
  }

  /** The live session holding `orderNo`: its claim item, then the session (two GetItems). */
  async findByOrderNo(orderNo: string): Promise<Session | undefined> {
    const claim = await this.claimItem(orderNo);
    return typeof claim?.session_id === 'string' && claim.released !== true ? this.get(claim.session_id) : undefined;
  }

  /** The claim item points at its holder, or at the last session that released it (two GetItems). */
  async lastByOrderNo(orderNo: string): Promise<Session | undefined> {
    const claim = await this.claimItem(orderNo);
    const session = typeof claim?.session_id === 'string' ? await this.get(claim.session_id) : undefined;
    return session?.order_no === orderNo ? session : undefined;
  }

  /**
   * The child's pointer item, then its parent (two GetItems). The pointer is written before the
   * parent's write, which may then have failed: only a parent that holds the child counts.
   */
  async findByChildId(childSessionId: string): Promise<Session | undefined> {
    const { Item } = await dynamoCall(() => this.client.send(new GetCommand({ TableName: this.table, Key: childKey(childSessionId), ConsistentRead: true })));
    const parent = typeof Item?.session_id === 'string' ? await this.get(Item.session_id) : undefined;
    return parent?.transactions?.some((child) => child.session_id === childSessionId) ? parent : undefined;
  }

  private async claimItem(orderNo: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await dynamoCall(() => this.client.send(new GetCommand({ TableName: this.table, Key: orderNoKey(orderNo), ConsistentRead: true })));
    return Item;
  }

  async create(session: Session, events: SessionEvent[]): Promise<void> {
    const claim = claimedOrderNo(session);
    const put: SessionPut = { TableName: this.table, Item: sessionItem(session, events, this.retention), ConditionExpression: 'attribute_not_exists(pk)' };
    if (claim === undefined) return this.put(put, session.session_id);
    await this.transact([{ role: { kind: 'session' }, item: { Put: put } }, this.claim(claim, session.session_id)], session.session_id);
  }

  async update(next: Session, previous: Session, events: SessionEvent[], { audit, cycle }: CommitWith = {}): Promise<void> {
    await this.pointToNewChildren(next, previous);
    // The version condition makes `previous` the stored item, so its claim is the stored claim.
    const before = claimedOrderNo(previous);
    const after = claimedOrderNo(next);
    // A whole-item Put: attributes the new item lacks are gone, so a write without events drops
    // the previous write's events. The expiry index keys are put again as they were (unless
    // expires_at moved), so DynamoDB writes nothing to the index.
    const put: SessionPut = {
      TableName: this.table,
      Item: sessionItem(next, events, this.retention),
      ConditionExpression: '#version = :version',
      ExpressionAttributeNames: { '#version': 'version' },
      ExpressionAttributeValues: { ':version': previous.version },
    };
    if (before === after && !audit && !cycle) return this.put(put, previous.session_id);
    // The claim moves only when the order_no changes: an audited write that keeps it touches no
    // claim (a transaction may not name one item twice).
    const moves = before === after ? [] : [...(before === undefined ? [] : [this.release(before, previous.session_id)]), ...(after === undefined ? [] : [this.claim(after, next.session_id)])];
    // An operation's audit entry commits with it (a transaction: twice the write units, for operations only).
    const recorded = audit ? [this.auditWrite(audit)] : [];
    // An auto-debit charge started or settled moves its agreement's cycles in the same transaction.
    const cycles = cycle ? [this.cycleWrite(cycle)] : [];
    await this.transact([{ role: { kind: 'session' }, item: { Put: put } }, ...moves, ...recorded, ...cycles], previous.session_id);
  }

  /**
   * A child transaction's pointer item, put before the session write that adds the child: an
   * operation is rare, so one more PutItem beats turning its write into a transaction. A pointer
   * whose session write then failed points at a parent without the child, and finds nothing.
   */
  private async pointToNewChildren(next: Session, previous: Session): Promise<void> {
    const known = new Set((previous.transactions ?? []).map((child) => child.session_id));
    const added = (next.transactions ?? []).filter((child) => child.session_id && !known.has(child.session_id));
    for (const child of added) {
      await dynamoCall(() => this.client.send(new PutCommand({ TableName: this.table, Item: { ...childKey(child.session_id!), session_id: next.session_id } })));
    }
  }

  /**
   * One conditional PutItem. The SDK retries throttling and timeouts itself; should a retry
   * follow an attempt that did commit, its condition fails on our own write, which the returned
   * old item shows (same version and events): that is success, not a conflict.
   */
  private async put(put: SessionPut, sessionId: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await dynamoCall(() => this.client.send(new PutCommand({ ...put, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' })));
        return;
      } catch (error) {
        if (!(error instanceof Error)) throw error;
        if (error.name === 'ConditionalCheckFailedException') {
          const stored = (error as Error & { Item?: Record<string, { N?: string; S?: string; B?: Uint8Array }> }).Item;
          if (stored && isSameWrite(stored, put.Item!)) return;
          throw new VersionConflictError(sessionId);
        }
        // The item is part of another's transaction in flight (an order_no move): as a cancelled
        // transaction, nothing was written; run it again, then 503.
        if (error.name !== 'TransactionConflictException') throw error;
        if (attempt >= this.attempts) throw new ServiceUnavailableError(undefined, { cause: error });
        await pause(attempt);
      }
    }
  }

  private auditWrite(entry: AuditEntry): Write {
    if (this.auditRetentionDays === undefined) throw new Error('This session store was built without an audit retention (dynamoAuditedSessions).');
    return { role: { kind: 'audit' }, item: { Put: auditPut(this.table, entry, this.auditRetentionDays) } };
  }

  private cycleWrite(step: CycleStep): Write {
    if (!this.agreementCycles) throw new Error('This session store was built without agreement cycles (dynamoChargingSessions).');
    return { role: { kind: 'cycle', agreementId: step.agreement_id }, item: { Update: agreementCycleUpdate(this.table, step) } };
  }

  /** Takes a free order_no: never claimed, or released (the whole-item Put drops `released`). */
  private claim(orderNo: string, sessionId: string): Write {
    return {
      role: { kind: 'claim', orderNo },
      item: {
        Put: {
          TableName: this.table,
          Item: { ...orderNoKey(orderNo), session_id: sessionId },
          ConditionExpression: 'attribute_not_exists(pk) OR #released = :released',
          ExpressionAttributeNames: { '#released': 'released' },
          ExpressionAttributeValues: { ':released': true },
        },
      },
    };
  }

  /**
   * Marks the claim released only if it is this session's (or already gone): never another's.
   * It keeps pointing at this session, so a status query by order_no still finds it until
   * another session claims the order_no (same write units as deleting it).
   */
  private release(orderNo: string, sessionId: string): Write {
    return {
      role: { kind: 'release', orderNo },
      item: {
        Update: {
          TableName: this.table,
          Key: orderNoKey(orderNo),
          UpdateExpression: 'SET session_id = :session, #released = :released',
          ConditionExpression: 'attribute_not_exists(pk) OR session_id = :session',
          ExpressionAttributeNames: { '#released': 'released' },
          ExpressionAttributeValues: { ':session': sessionId, ':released': true },
        },
      },
    };
  }

  private async transact(writes: Write[], sessionId: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        // A fresh token per attempt; the SDK's own retries of this attempt reuse it, so a
        // request that timed out after committing is not applied twice.
        await this.client.send(new TransactWriteCommand({ TransactItems: writes.map((w) => w.item), ClientRequestToken: randomUUID() }));
        return;
      } catch (error) {
        const outcome = explainCancellation(error, writes, sessionId);
        if (outcome instanceof Error) throw outcome;
        if (outcome === 'retry' && attempt < this.attempts) {
          await pause(attempt);
          continue;
        }
        if (outcome === 'retry' || isBusy(error)) throw new ServiceUnavailableError(undefined, { cause: error });
        throw error;
      }
    }
  }
}

/**
 * The stored item is the one this write put (a retried request whose first attempt committed).
 * The item of a failed condition comes as DynamoDB sent it: attribute values, not unmarshalled.
 */
function isSameWrite(stored: Record<string, { N?: string; S?: string; B?: Uint8Array }>, written: Record<string, unknown>): boolean {
  const document = stored.document?.B;
  return (
    Number(stored.version?.N) === Number(written.version) &&
    document !== undefined &&
    Buffer.compare(Buffer.from(document), Buffer.from(written.document as Uint8Array)) === 0 &&
    stored[EVENTS_ATTRIBUTE]?.S === written[EVENTS_ATTRIBUTE]
  );
}

/**
 * A domain error when a condition failed, 'retry' when DynamoDB cancelled the transaction for
 * contention, undefined when the error is not a cancellation. Nothing of a cancelled
 * transaction was written, whichever it is.
 */
function explainCancellation(error: unknown, writes: Write[], sessionId: string): Error | 'retry' | undefined {
  const reasons = cancellationReasons(error);
  if (!reasons) return undefined;
  const failed = writes.filter((_write, i) => reasons[i]?.Code === 'ConditionalCheckFailed').map((w) => w.role);
  // A moved version wins: the caller must re-read before anything else it was told would hold.
  if (failed.some((role) => role.kind === 'session')) return new VersionConflictError(sessionId);
  const taken = failed.find((role) => role.kind === 'claim');
  if (taken?.kind === 'claim') return new OrderNoTakenError(taken.orderNo);
  const stolen = failed.find((role) => role.kind === 'release');
  if (stolen?.kind === 'release') return new Error(`order_no claim ${stolen.orderNo} is held by a session other than ${sessionId}`);
  if (failed.some((role) => role.kind === 'audit')) return new Error(`an audit entry of session ${sessionId} exists already`);
  const refused = failed.find((role) => role.kind === 'cycle');
  if (refused?.kind === 'cycle') return new AgreementCycleRefusedError(refused.agreementId);
  if (reasons.some((reason) => RETRYABLE_CANCELLATIONS.has(reason.Code ?? ''))) return 'retry';
  return undefined;
}

function pause(attempt: number): Promise<void> {
  const ms = 2 ** attempt * 10 * (0.5 + Math.random());
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * The stored item of a session: keys, the attributes conditions and the expiry index need, the
 * document, and the events this write commits (absent when none), which the stream's new image
 * carries to the event router. Exported for fixtures that seed tables in bulk.
 */
export function sessionItem(session: Session, events: SessionEvent[] = [], retention?: SessionRetention): Record<string, unknown> {
  const { version: _version, state: _state, expires_at: _expires, ...document } = session;
  const removable = removableAt(session, retention);
  const attachmentToken = session.attachment ? attachmentTokenOf(session.attachment) : undefined;
  return {
    ...sessionKey(session.session_id),
    version: session.version,
    state: session.state,
    expires_at: session.expires_at,
    document: packDocument(document),
    ...expiryIndexKeys(session),
    // The table's TTL removes the item (within days of it): deleted for good at once (reads
    // already answer 404), closed after the stage's retention from this write (domain/retention.ts);
    // an open session's whole-item Put carries none.
    ...(removable === undefined ? {} : { [TTL_ATTRIBUTE]: removable }),
    // Named at the top level so the stream's record of the item's removal selects on it.
    ...(attachmentToken === undefined ? {} : { [ATTACHMENT_KEY_ATTRIBUTE]: attachmentKey(attachmentToken) }),
    // JSON text: whatever SessionEvent holds travels whole, in one attribute the stream filter
    // can test for.
    ...(events.length > 0 ? { [EVENTS_ATTRIBUTE]: JSON.stringify(stampRequestId(events)) } : {}),
  };
}

export function fromItem(item: Record<string, unknown>): Session {
  const session = unpackDocument(item.document) as Session;
  return { ...session, version: Number(item.version), state: item.state as Session['state'], expires_at: String(item.expires_at) };
}

/**
 * The document is JSON, so `extra` round-trips exactly (not every JSON number or key fits
 * DynamoDB's types: 38 digits, 1e-130..1e126, no empty map keys), stored as a binary attribute:
 * a format byte, then the JSON deflated against a preset dictionary of the session's field
 * names and usual values. A paid session's 1.4 KB of JSON becomes about 200 bytes, which keeps
 * the item, its events included, under the 1 KB of one write unit (docs/dynamodb.md). Version,
 * state and expires_at live only as attributes. Items of the earlier layout hold the JSON as text
 * and still read.
 */
const DOCUMENT_FORMAT_DEFLATE_V1 = 1;
/**
 * Part of the stored format: NEVER edit it (stored documents would no longer inflate). A better
 * dictionary is a new format byte, with this one kept for reading.
 */
const DICTIONARY_V1 = Buffer.from(
  JSON.stringify({
    type: 'payment_request', amount: '', currency_code: 'KWD', pg_codes: [], customer_id: '', customer_first_name: '', customer_last_name: '', customer_email: '',
    customer_phone: '', billing_address: null, order_no: null, notifications: { email: [], sms: [] }, vendor_name: '', expiration_time: '01:00:00', email_recipients: [],
    extra: {}, product_type: '', language: 'en', mode: 'payment', webhook_url: 'https://', redirect_url: 'https://', initiator_id: null, operation: 'purchase',
    payment_methods: [{ code: '', name: '', pg: '', type: 'sandbox', amount: '', currency_code: '', fee: '0.000', icon: '/static/pg-icons/card.svg', flow: 'redirect' }],
    attachment: '', attachment_short_url: '', checkout_short_url: '', remarks: null, created_at: '2026-', updated_at: '2026-',
    attempts: [{ reference_number: '', pg_code: '', result: 'success', card_brand: 'visa', card_last4: '', attempted_at: '2026-' }],
    reference_number: null, result: null, settled_pg_code: null, paid_at: null,
    webhook_status: { state: 'delivered', event: 'paid', attempts: 1, last_status_code: 200, last_error: null, last_attempt_at: '2026-' },
  }),
);

function packDocument(document: object): Uint8Array {
  return Buffer.concat([Buffer.of(DOCUMENT_FORMAT_DEFLATE_V1), deflateRawSync(JSON.stringify(document), { dictionary: DICTIONARY_V1 })]);
}

function unpackDocument(stored: unknown): unknown {
  if (typeof stored === 'string') return JSON.parse(stored); // the earlier layout: JSON text
  if (!(stored instanceof Uint8Array)) throw new Error('session item lacks its document');
  if (stored[0] !== DOCUMENT_FORMAT_DEFLATE_V1) throw new Error(`session document in unknown format ${stored[0]}`);
  return JSON.parse(inflateRawSync(stored.subarray(1), { dictionary: DICTIONARY_V1 }).toString('utf8'));
}

/**
 * Reads (GetItem, strongly consistent unless asked otherwise) and conditional writes of sessions
 * (with their events) and order_no claims: a PutItem, or a TransactWriteItems of Puts (session,
 * claim) and an Update (a released claim). Nothing is deleted or only condition-checked
 * (test/aws/adapter-commands.test.ts records what it sends).
 */
export function dynamoSessions(): SessionRepository {
  uses({ table: ['GetItem', 'PutItem', 'UpdateItem'], keys: ['session', 'orderNo'] });
  return new DynamoSessionRepository(dynamoDocumentClient(), setting('CHECKOUT_TABLE'), { retention: sessionRetention() });
}

/** The stage's retention of closed sessions (both settings, or neither: kept until deleted). */
function sessionRetention(): SessionRetention | undefined {
  const paidDays = setting('CHECKOUT_SESSION_RETENTION_PAID_DAYS');
  const unpaidDays = setting('CHECKOUT_SESSION_RETENTION_UNPAID_DAYS');
  return paidDays === undefined || unpaidDays === undefined ? undefined : { paidDays, unpaidDays };
}

/** The same, reading many at once too (BatchGetItem): the expiry sweep, a page of its index at a time. */
export function dynamoSweptSessions(): SessionRepository & SessionBatchReader {
  uses({ table: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem'], keys: ['session', 'orderNo'] });
  // The sweep's expirations close sessions: they carry the stage's retention like any other write.
  return new DynamoSessionRepository(dynamoDocumentClient(), setting('CHECKOUT_TABLE'), { retention: sessionRetention() });
}

/** The same, committing the merchant's operations with their audit entries (AUDIT# items too). */
export function dynamoAuditedSessions() {
  uses({ table: ['GetItem', 'PutItem', 'UpdateItem'], keys: ['session', 'orderNo', 'audit'] });
  return new DynamoSessionRepository(dynamoDocumentClient(), setting('CHECKOUT_TABLE'), { auditRetentionDays: setting('CHECKOUT_AUDIT_RETENTION_DAYS'), retention: sessionRetention() });
}

/**
 * The same, committing what an auto-debit charge started or settled does to its agreement's
 * cycles in the transaction of the session write (the customer's AGREEMENT# item: UpdateItem):
 * the functions that start or sync a merchant-initiated charge (the auto-debit, every sync).
 */
export function dynamoChargingSessions(): SessionRepository {
  uses({ table: ['GetItem', 'PutItem', 'UpdateItem'], keys: ['session', 'orderNo', 'customer'] });
  return new DynamoSessionRepository(dynamoDocumentClient(), setting('CHECKOUT_TABLE'), { retention: sessionRetention(), agreementCycles: true });
}

/**
 * Both: the inquiry syncs a pending charge (its agreement's cycles) and resolves a stale
 * operation (committed with its audit entry).
 */
export function dynamoAuditedChargingSessions(): SessionRepository {
  uses({ table: ['GetItem', 'PutItem', 'UpdateItem'], keys: ['session', 'orderNo', 'audit', 'customer'] });
  return new DynamoSessionRepository(dynamoDocumentClient(), setting('CHECKOUT_TABLE'), { auditRetentionDays: setting('CHECKOUT_AUDIT_RETENTION_DAYS'), retention: sessionRetention(), agreementCycles: true });
}

/** Reads of sessions only (GetItem): for the functions that never change one. */
export function dynamoSessionReader(): SessionReader {
  uses({ table: ['GetItem'], keys: ['session', 'orderNo'] });
  return new DynamoSessionRepository(dynamoDocumentClient(), setting('CHECKOUT_TABLE'));
}
