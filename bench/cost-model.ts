import { stageConfig } from '../lib/stage-config';
import type { AwsFigures, Operation } from './aws-calls';
import { round } from './stats';

/**
 * cost_per_million_sessions_usd: one typical session priced from the measured AWS calls and
 * durations at AWS's public list prices (us-east-1, on-demand, no free tier), as docs/benchmarks.md
 * lists them with their source.
 */
export const PRICES = {
  asOf: '2026-11-25',
  httpApiPerMillion: 1.0,
  lambdaRequestPerMillion: 0.2,
  /** arm64, first 7.5 billion GB-s a month. */
  lambdaGbSecond: 0.0000133334,
  dynamoWriteUnitPerMillion: 0.625,
  dynamoReadUnitPerMillion: 0.125,
  sqsPerMillion: 0.4,
  secretsManagerPer10k: 0.05,
  s3PutPer1000: 0.005,
  s3GetPer1000: 0.0004,
  /** Listed apart: they scale with the merchant's choices, not with our code. */
  sesPer1000: 0.1,
} as const;

/** The typical session: what runs, how often. The page view is the hosted page's GET. */
export const SESSION: ReadonlyArray<[Operation, number]> = [
  ['create', 1],
  ['retrieve', 2],
  ['patch', 1],
  ['page', 1],
  ['pay', 1],
  ['route', 1],
  ['webhook', 1],
  ['email', 1],
];
const HTTP_OPERATIONS: readonly Operation[] = ['create', 'retrieve', 'patch', 'page', 'pay'];
/** The stream batch and the queue messages each session's events bring. */
const QUEUE_MESSAGES = 2; // the webhook and the e-mail
/** A queue message costs its SendMessage (counted) plus Lambda's ReceiveMessage and DeleteMessage. */
const SQS_POLLER_REQUESTS_PER_MESSAGE = 2;

export interface CostLine {
  item: string;
  quantity: number;
  unit: string;
  usd_per_million_sessions: number;
}

export function costModel(aws: AwsFigures): { lines: CostLine[]; total: number; email_usd_per_million_sessions: number; memoryMb: number } {
  const memoryMb = stageConfig('prod').lambdaMemoryMb;
  const perSession = (pick: (op: Operation) => number) => SESSION.reduce((sum, [op, times]) => sum + times * pick(op), 0);
  const invocations = perSession(() => 1);
  const httpRequests = SESSION.filter(([op]) => HTTP_OPERATIONS.includes(op)).reduce((s, [, n]) => s + n, 0);
  // Billed duration: the measured time of each operation, rounded up to the millisecond.
  const gbSeconds = perSession((op) => Math.ceil(aws.ms[op]) / 1000) * (memoryMb / 1024);
  const wru = perSession((op) => aws.calls[op].wru);
  const rru = perSession((op) => aws.calls[op].rru);
  const sqs = perSession((op) => aws.calls[op].sqs) + QUEUE_MESSAGES * SQS_POLLER_REQUESTS_PER_MESSAGE;
  const detail = (name: string) => perSession((op) => aws.calls[op].detail[name] ?? 0);
  const secrets = detail('secretsmanager GetSecretValue');
  const s3Puts = detail('s3 PutObject') + detail('s3 CopyObject');
  const s3Gets = detail('s3 GetObject') + detail('s3 HeadObject');
  const M = 1_000_000;
  const lines: CostLine[] = [
    { item: 'API Gateway HTTP API requests', quantity: httpRequests, unit: 'requests', usd_per_million_sessions: httpRequests * PRICES.httpApiPerMillion },
    { item: 'Lambda requests (arm64)', quantity: invocations, unit: 'invocations', usd_per_million_sessions: invocations * PRICES.lambdaRequestPerMillion },
    { item: `Lambda duration (${memoryMb} MB)`, quantity: round(gbSeconds, 4), unit: 'GB-s', usd_per_million_sessions: gbSeconds * M * PRICES.lambdaGbSecond },
    { item: 'DynamoDB write request units', quantity: round(wru, 2), unit: 'WRU', usd_per_million_sessions: wru * PRICES.dynamoWriteUnitPerMillion },
    { item: 'DynamoDB read request units', quantity: round(rru, 2), unit: 'RRU', usd_per_million_sessions: rru * PRICES.dynamoReadUnitPerMillion },
    { item: 'SQS requests (send + receive + delete)', quantity: round(sqs, 2), unit: 'requests', usd_per_million_sessions: sqs * PRICES.sqsPerMillion },
    { item: 'Secrets Manager GetSecretValue', quantity: round(secrets, 2), unit: 'calls', usd_per_million_sessions: (secrets * M * PRICES.secretsManagerPer10k) / 10_000 },
    { item: 'S3 PUT/COPY + GET', quantity: round(s3Puts + s3Gets, 2), unit: 'requests', usd_per_million_sessions: (s3Puts * M * PRICES.s3PutPer1000 + s3Gets * M * PRICES.s3GetPer1000) / 1000 },
  ].map((line) => ({ ...line, usd_per_million_sessions: round(line.usd_per_million_sessions, 2) }));
  const emails = detail('ses SendEmail');
  return {
    lines,
    total: round(lines.reduce((s, l) => s + l.usd_per_million_sessions, 0), 2),
    email_usd_per_million_sessions: round((emails * M * PRICES.sesPer1000) / 1000, 2),
    memoryMb,
  };
}
