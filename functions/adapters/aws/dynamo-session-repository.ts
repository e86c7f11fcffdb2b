import { randomUUID } from 'node:crypto';
import { GetCommand, TransactWriteCommand, type DynamoDBDocumentClient, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { OrderNoTakenError, ServiceUnavailableError, VersionConflictError } from '../../domain/errors';
import type { SessionEvent } from '../../domain/events';
import { expiryIndexKeys } from '../../domain/expiry';
import { claimedOrderNo, type Session } from '../../domain/session';
import type { SessionRepository } from '../../ports';
import { cancellationReasons, dynamoCall, isBusy, RETRYABLE_CANCELLATIONS } from './dynamo-errors';
import { eventKey, orderNoKey, sessionKey, ttlSeconds } from './table-keys';
import { setting } from '../../config/env';
import { uses } from '../../config/needs';
import { dynamoDocumentClient } from './aws-clients';

/** Outbox items outlive their delivery by a week, for replays and audits, then TTL drops them. */
const EVENT_TTL_DAYS = 7;

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];
/** What each item of a transaction stands for, so a cancellation reason can be named. */
type Role = { kind: 'session' } | { kind: 'claim'; orderNo: string } | { kind: 'release'; orderNo: string } | { kind: 'event' };
type Write = { role: Role; item: TransactItem };
export interface DynamoSessionRepositoryOptions {
  /** Attempts of one write when DynamoDB cancels it for a conflicting transaction or throttling. */
  transactionAttempts?: number;
}

/**
 * Sessions on the single table (docs/dynamodb.md). Every write is ONE TransactWriteItems: the
 * session (conditional on its version), its order_no claim moves and its outbox events commit
 * together or not at all.
 */
export class DynamoSessionRepository implements SessionRepository {
  private readonly attempts: number;

  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
    options: DynamoSessionRepositoryOptions = {},
  ) {
    this.attempts = options.transactionAttempts ?? 3;
  }

  /** One strongly consistent GetItem: a client that just wrote reads its own write. */
  async get(sessionId: string): Promise<Session | undefined> {
    const { Item } = await dynamoCall(() => this.client.send(new GetCommand({ TableName: this.table, Key: sessionKey(sessionId), ConsistentRead: true })));
    return Item ? fromItem(Item) : undefined;
  }

  /** The live session holding `orderNo`: its claim item, then the session (two GetItems). */
  async findByOrderNo(orderNo: string): Promise<Session | undefined> {
    const { Item } = await dynamoCall(() => this.client.send(new GetCommand({ TableName: this.table, Key: orderNoKey(orderNo), ConsistentRead: true })));
    return typeof Item?.session_id === 'string' ? this.get(Item.session_id) : undefined;
  }

  async create(session: Session, events: SessionEvent[]): Promise<void> {
    const claim = claimedOrderNo(session);
    await this.transact([
      { role: { kind: 'session' }, item: { Put: { TableName: this.table, Item: sessionItem(session), ConditionExpression: 'attribute_not_exists(pk)' } } },
      ...(claim === undefined ? [] : [this.claim(claim, session.session_id)]),
      ...events.map((event) => this.event(event)),
    ], session.session_id);
  }

  async update(next: Session, previous: Session, events: SessionEvent[]): Promise<void> {
    // The version condition makes `previous` the stored item, so its claim is the stored claim.
    const before = claimedOrderNo(previous);
    const after = claimedOrderNo(next);
    const moves = before === after ? [] : [...(before === undefined ? [] : [this.release(before, previous.session_id)]), ...(after === undefined ? [] : [this.claim(after, next.session_id)])];
    await this.transact([
      {
        role: { kind: 'session' },
        item: {
          // A whole-item Put: attributes the new item lacks are gone, so leaving the open states
          // drops the expiry index keys in the same write.
          Put: {
            TableName: this.table,
            Item: sessionItem(next),
            ConditionExpression: '#version = :version',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':version': previous.version },
          },
        },
      },
      ...moves,
      ...events.map((event) => this.event(event)),
    ], previous.session_id);
  }

  private claim(orderNo: string, sessionId: string): Write {
    return {
      role: { kind: 'claim', orderNo },
      item: { Put: { TableName: this.table, Item: { ...orderNoKey(orderNo), session_id: sessionId }, ConditionExpression: 'attribute_not_exists(pk)' } },
    };
  }

  /** Deletes the claim only if it is this session's (or already gone): never another's. */
  private release(orderNo: string, sessionId: string): Write {
    return {
      role: { kind: 'release', orderNo },
      item: {
        Delete: {
          TableName: this.table,
          Key: orderNoKey(orderNo),
          ConditionExpression: 'attribute_not_exists(pk) OR session_id = :session',
          ExpressionAttributeValues: { ':session': sessionId },
        },
      },
    };
  }

  private event(event: SessionEvent): Write {
    return { role: { kind: 'event' }, item: { Put: { TableName: this.table, Item: { ...eventKey(event), ...event, ttl: ttlSeconds(new Date(event.occurred_at), EVENT_TTL_DAYS) } } } };
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
        if (outcome === 'retry' || isBusy(error)) throw new ServiceUnavailableError();
        throw error;
      }
    }
  }
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
  if (reasons.some((reason) => RETRYABLE_CANCELLATIONS.has(reason.Code ?? ''))) return 'retry';
  return undefined;
}

function pause(attempt: number): Promise<void> {
  const ms = 2 ** attempt * 10 * (0.5 + Math.random());
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The session item: keys, the attributes conditions and the expiry index need, the document. */
/** The stored item of a session (exported for fixtures that seed tables in bulk). */
export function sessionItem(session: Session): Record<string, unknown> {
  return {
    ...sessionKey(session.session_id),
    version: session.version,
    state: session.state,
    expires_at: session.expires_at,
    // The document is JSON text: `extra` is any JSON, and not every JSON number or key fits
    // DynamoDB's types (38 digits, 1e-130..1e126, no empty map keys).
    document: JSON.stringify(session),
    ...expiryIndexKeys(session),
  };
}

export function fromItem(item: Record<string, unknown>): Session {
  const session = JSON.parse(String(item.document)) as Session;
  return { ...session, version: Number(item.version), state: item.state as Session['state'], expires_at: String(item.expires_at) };
}

/** Reads (consistent GetItem) and transactional writes of sessions, order_no claims and events. */
export function dynamoSessions() {
  uses({ table: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'ConditionCheckItem'] });
  return new DynamoSessionRepository(dynamoDocumentClient(), setting('CHECKOUT_TABLE'));
}
