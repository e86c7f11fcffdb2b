import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { AuditEntry } from '../../domain/audit';
import type { AuditLog, AuditQuery } from '../../ports';
import { TTL_ATTRIBUTE } from '../../config/table';
import { queryAll } from './dynamo-query';
import { auditDayPartition, auditKey, ttlSeconds } from './table-keys';

/**
 * The audit trail on the single table: one item per entry, a partition per UTC day, put with
 * `attribute_not_exists` (never overwritten) inside the transaction of the change it records
 * (`auditPut`), and deleted by TTL after the stage's retention.
 */
export class DynamoAuditLog implements AuditLog {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly table: string,
  ) {}

  async list({ since, until, sessionId }: AuditQuery): Promise<AuditEntry[]> {
    const entries: AuditEntry[] = [];
    for (const day of daysBetween(since, until)) {
      const items = await queryAll(this.client, {
        TableName: this.table,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: {
          ':pk': auditDayPartition(day),
          ':from': since.toISOString(),
          // Every sort key of the last millisecond: `<iso>#<id>` sorts below `<iso>$`.
          ':to': `${until.toISOString()}$`,
          ...(sessionId && { ':session': sessionId }),
        },
        ...(sessionId && { FilterExpression: 'session_id = :session' }),
        ConsistentRead: true,
      });
      for (const item of items) entries.push(JSON.parse(String(item.entry)) as AuditEntry);
    }
    return entries;
  }
}

/** The Put of one audit entry, for the transaction (or the single write) of the change it records. */
export function auditPut(table: string, entry: AuditEntry, retentionDays: number) {
  return {
    TableName: table,
    Item: {
      ...auditKey(entry),
      entry: JSON.stringify(entry),
      ...(entry.session_id && { session_id: entry.session_id }),
      [TTL_ATTRIBUTE]: ttlSeconds(new Date(entry.at), retentionDays),
    },
    ConditionExpression: 'attribute_not_exists(pk)',
  };
}

function daysBetween(since: Date, until: Date): string[] {
  const days: string[] = [];
  for (let day = Date.UTC(since.getUTCFullYear(), since.getUTCMonth(), since.getUTCDate()); day <= until.getTime(); day += 86_400_000) {
    days.push(new Date(day).toISOString().slice(0, 10));
  }
  return days;
}
