import { functionMemoryMb, stageConfig } from '../lib/stage-config';
import type { AwsFigures, Operation } from './aws-calls';
import type { Call } from './call-counter';
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

/**
 * In-region latency per AWS call, as AWS documents it, for the modelled Lambda duration (a Lambda
 * is billed while it waits on a call). Moto on this machine is not AWS: its transactions took
 * 80–150 ms. The moto-measured duration is reported beside the model.
 */
export const LATENCY_MS = {
  /**
   * "For most atomic operations, such as GetItem and PutItem, you can expect an average latency
   * in single-digit milliseconds" (AWS Knowledge Center, repost.aws/knowledge-center/dynamodb-high-latency);
   * we take the top of that range, plus the TLS round trip of a warm connection.
   */
  dynamodb: 10,
  /** Two-phase: taken as twice a single-item write. */
  dynamodbTransaction: 20,
  /**
   * "Typical latencies for SendMessage, ReceiveMessage, and DeleteMessage API requests are in the
   * tens or low hundreds of milliseconds" (Amazon SQS Developer Guide, SQS FAQs); the low end.
   */
  sqs: 20,
  /** No AWS-published figure; an assumption of the same order as SQS, on the high side. */
  ses: 50,
  /** The merchant's endpoint: not AWS's; an assumption (Ottu and we wait up to 15 s). */
  webhook: 100,
} as const;

/** Lambda gives a function one full vCPU at 1 769 MB and CPU in proportion below that (Lambda docs, "Memory and computing power"). */
const FULL_VCPU_MB = 1769;
/** The memory sizes the model compares (128 MB is Lambda's least). */
export const MEMORY_CHOICES = [128, 256, 512, 1024, 1769] as const;
/** The API's latency budget for choosing memory: an HTTP operation's modelled p50 within it. */
export const HTTP_LATENCY_BUDGET_MS = 50;
/**
 * A size must hold the function's peak resident memory, measured after its first request
 * (bench/cold-start.ts), with this much room: a warm instance grows (caches, sockets, the heap
 * the collector has not yet returned), and running out of memory kills the invocation.
 */
export const RSS_HEADROOM = 1.5;
/**
 * The cold-start budget of an HTTP function at a size: its measured start-up CPU (import and first
 * request, bench/cold-start.ts) slowed as below a full vCPU. A merchant's call or a customer's page
 * after a quiet spell should still answer in about a second; at 128 MB a ~150 ms start-up would
 * take ~2 s. The workers behind queues and the stream have no latency goal.
 */
export const HTTP_COLD_START_BUDGET_MS = 1000;

/** The Lambda that serves each operation of the typical session, whose memory the stage sets. */
export const FUNCTION_OF: Record<Operation, { id: string; kind: 'route' | 'worker' }> = {
  create: { id: 'CreateSession', kind: 'route' },
  retrieve: { id: 'RetrieveSession', kind: 'route' },
  patch: { id: 'PatchSession', kind: 'route' },
  page: { id: 'CheckoutPage', kind: 'route' },
  pay: { id: 'CheckoutPay', kind: 'route' },
  route: { id: 'RouteEvents', kind: 'worker' },
  webhook: { id: 'DeliverWebhook', kind: 'worker' },
  email: { id: 'SendEmail', kind: 'worker' },
};

/** The documented in-region latency of one AWS call. */
export function callLatencyMs(call: Pick<Call, 'service' | 'operation'>): number {
  if (call.service === 'dynamodb') return call.operation === 'TransactWriteItems' ? LATENCY_MS.dynamodbTransaction : LATENCY_MS.dynamodb;
  if (call.service === 'sqs') return LATENCY_MS.sqs;
  // SES and anything else (Secrets Manager, SNS): no published figure, SES's assumption.
  return LATENCY_MS.ses;
}

/**
 * The time an operation waits on its calls in region: calls that overlapped on the wire ran
 * concurrently and wait as long as the slowest of them; calls one after another add up.
 */
export function criticalPathMs(calls: readonly Pick<Call, 'service' | 'operation' | 'started' | 'ended'>[]): number {
  let total = 0;
  let round: { ends: number; latency: number } | undefined;
  for (const call of [...calls].sort((a, b) => a.started - b.started)) {
    if (round && call.started < round.ends) {
      round.ends = Math.max(round.ends, call.ended);
      round.latency = Math.max(round.latency, callLatencyMs(call));
      continue;
    }
    total += round?.latency ?? 0;
    round = { ends: call.ended, latency: callLatencyMs(call) };
  }
  return total + (round?.latency ?? 0);
}

/** The modelled in-region wait of one operation: its calls' critical path, and the merchant's endpoint for a webhook. */
function waitMs(aws: AwsFigures, op: Operation): number {
  return aws.wait_ms[op] + (op === 'webhook' ? LATENCY_MS.webhook : 0);
}

/** CPU time measured at full speed, as it runs at `memoryMb` (slower below a full vCPU). */
const cpuAt = (cpuMs: number, memoryMb: number) => cpuMs * Math.max(1, FULL_VCPU_MB / memoryMb);

/** Billed ms of an operation at `memoryMb`: its measured CPU, slowed below a full vCPU, plus its waits. */
export function modelledMs(aws: AwsFigures, op: Operation, memoryMb: number): number {
  return cpuAt(aws.cpu_ms[op], memoryMb) + waitMs(aws, op);
}

const M = 1_000_000;
const HTTP_REQUESTS = SESSION.filter(([op]) => HTTP_OPERATIONS.includes(op)).reduce((s, [, n]) => s + n, 0);
const INVOCATIONS = SESSION.reduce((s, [, n]) => s + n, 0);
const perSession = (pick: (op: Operation) => number) => SESSION.reduce((sum, [op, times]) => sum + times * pick(op), 0);
/** Lambda bills each invocation's duration rounded up to the millisecond, times its memory. */
const gbSeconds = (ms: number, memoryMb: number) => (Math.ceil(ms) / 1000) * (memoryMb / 1024);
const timesPerSession = (op: Operation) => SESSION.find(([o]) => o === op)![1];

export interface MemoryOption {
  memory_mb: number;
  /** This operation's Lambda duration per million sessions at this size. */
  usd_per_million_sessions: number;
  ms: number;
  /** The modelled cold start at this size (start-up CPU slowed below a full vCPU). */
  cold_ms: number;
  fits: boolean;
}

/** What a function's cold start measured (bench/cold-start.ts), for the size it needs. */
export interface StartUp {
  /** Peak resident memory after the first request. */
  rssMb: number;
  /** CPU time of the import and the first request. */
  initCpuMs: number;
}

/**
 * The one memory rule, for our functions and the floor's alike: the size with the lowest
 * duration cost that holds the function's peak memory (× RSS_HEADROOM) and, for an HTTP
 * operation, keeps its modelled p50 within HTTP_LATENCY_BUDGET_MS and its cold start within
 * HTTP_COLD_START_BUDGET_MS; none fitting, the largest.
 */
export function chooseMemory(op: Operation, msAt: (memoryMb: number) => number, start: StartUp): { memoryMb: number; options: MemoryOption[] } {
  const http = HTTP_OPERATIONS.includes(op);
  const options = MEMORY_CHOICES.map((memoryMb) => {
    const ms = msAt(memoryMb);
    const coldMs = cpuAt(start.initCpuMs, memoryMb);
    const fits = memoryMb >= start.rssMb * RSS_HEADROOM && (!http || (ms <= HTTP_LATENCY_BUDGET_MS && coldMs <= HTTP_COLD_START_BUDGET_MS));
    return { memory_mb: memoryMb, usd_per_million_sessions: round(timesPerSession(op) * gbSeconds(ms, memoryMb) * M * PRICES.lambdaGbSecond, 3), ms: round(ms, 1), cold_ms: round(coldMs), fits };
  });
  const fitting = options.filter((o) => o.fits);
  const best = (fitting.length > 0 ? fitting : options.slice(-1)).reduce((a, b) => (b.usd_per_million_sessions < a.usd_per_million_sessions ? b : a));
  return { memoryMb: best.memory_mb, options };
}

/** The cold starts of our bundle and the floor's, by function id. */
export type StartUps = Record<string, { ours: StartUp; floor: StartUp }>;

export interface MemoryChoice {
  op: Operation;
  fn: string;
  /** lib/stage-config.ts, prod: what ships and what the total is priced at. */
  configured_mb: number;
  /** What the rule picks from this run's figures. */
  chosen_mb: number;
  floor_mb: number;
  rss_mb: number;
  options: MemoryOption[];
}

export interface CostModel {
  lines: CostLine[];
  total: number;
  /** The same lifecycle with the fewest requests possible, priced alike. */
  floor_lines: CostLine[];
  floor: number;
  email_usd_per_million_sessions: number;
  memory: MemoryChoice[];
  /** Lambda duration from the moto-measured wall time, at the chosen memory: for comparison only. */
  duration_moto_usd_per_million_sessions: number;
  modelled_ms: Record<Operation, number>;
}

export function costModel(aws: AwsFigures, handlerFloorUs: number, startUps: StartUps): CostModel {
  const prod = stageConfig('prod');
  const unmeasured = { rssMb: 0, initCpuMs: 0 };
  const memory = SESSION.map(([op]): MemoryChoice => {
    const fn = FUNCTION_OF[op];
    const start = startUps[fn.id] ?? { ours: unmeasured, floor: unmeasured };
    const chosen = chooseMemory(op, (mb) => modelledMs(aws, op, mb), start.ours);
    const floor = chooseMemory(op, (mb) => floorMs(op, mb, floorCpuMs(aws, op, handlerFloorUs)), start.floor);
    return { op, fn: fn.id, configured_mb: functionMemoryMb(prod, fn.id, fn.kind), chosen_mb: chosen.memoryMb, floor_mb: floor.memoryMb, rss_mb: start.ours.rssMb, options: chosen.options };
  });
  const memoryOf = (op: Operation) => memory.find((m) => m.op === op)!;
  const modelled = (op: Operation) => modelledMs(aws, op, memoryOf(op).configured_mb);
  // The expiry sweep meets each paid session at its expiry minute (the index keeps settled
  // sessions; the runs until the bucket settles read it 2–3 times): its share of the runs, whose
  // invocations happen every minute whatever the sessions.
  const settled = aws.expire.settled;
  const sweepMb = functionMemoryMb(prod, 'ExpireSessions', 'worker');
  const sweepGbSeconds = ((cpuAt(settled.cpu_ms, sweepMb) + settled.wait_ms) / 1000) * (sweepMb / 1024);
  const durationGbSeconds = perSession((op) => gbSeconds(modelled(op), memoryOf(op).configured_mb)) + sweepGbSeconds;
  const wru = perSession((op) => aws.calls[op].wru) + settled.wru;
  const rru = perSession((op) => aws.calls[op].rru) + settled.rru;
  const sqs = perSession((op) => aws.calls[op].sqs) + QUEUE_MESSAGES * SQS_POLLER_REQUESTS_PER_MESSAGE;
  const detail = (name: string) => perSession((op) => aws.calls[op].detail[name] ?? 0);
  const secrets = detail('secretsmanager GetSecretValue');
  const s3Puts = detail('s3 PutObject') + detail('s3 CopyObject');
  const s3Gets = detail('s3 GetObject') + detail('s3 HeadObject');
  const lines = priced([
    { item: 'API Gateway HTTP API requests', quantity: HTTP_REQUESTS, unit: 'requests', usd_per_million_sessions: HTTP_REQUESTS * PRICES.httpApiPerMillion },
    { item: 'Lambda requests (arm64)', quantity: INVOCATIONS, unit: 'invocations', usd_per_million_sessions: INVOCATIONS * PRICES.lambdaRequestPerMillion },
    { item: 'Lambda duration (stage memory per function; measured CPU + documented call latency; the sweep\'s share)', quantity: round(durationGbSeconds, 4), unit: 'GB-s', usd_per_million_sessions: durationGbSeconds * M * PRICES.lambdaGbSecond },
    { item: 'DynamoDB write request units (table + expiry index)', quantity: round(wru, 2), unit: 'WRU', usd_per_million_sessions: wru * PRICES.dynamoWriteUnitPerMillion },
    { item: 'DynamoDB read request units (the sweep\'s read of the paid session included)', quantity: round(rru, 2), unit: 'RRU', usd_per_million_sessions: rru * PRICES.dynamoReadUnitPerMillion },
    { item: 'SQS requests (send + receive + delete)', quantity: round(sqs, 2), unit: 'requests', usd_per_million_sessions: sqs * PRICES.sqsPerMillion },
    { item: 'Secrets Manager GetSecretValue', quantity: round(secrets, 2), unit: 'calls', usd_per_million_sessions: (secrets * M * PRICES.secretsManagerPer10k) / 10_000 },
    { item: 'S3 PUT/COPY + GET', quantity: round(s3Puts + s3Gets, 2), unit: 'requests', usd_per_million_sessions: (s3Puts * M * PRICES.s3PutPer1000 + s3Gets * M * PRICES.s3GetPer1000) / 1000 },
  ]);

  // The floor: the requests the lifecycle cannot avoid (API, Lambda, the two queue messages of
  // a durable fan-out and their polling), one write unit per state change (create, patch, page,
  // pay), one eventually consistent read per operation that must read the session (retrieve ×2,
  // patch, page, pay, webhook, e-mail), floorMs per operation at the memory the same rule picks
  // for the floor's bundle.
  const floorWrites = 4;
  const floorReads = 7 * 0.5;
  const floorGbSeconds = perSession((op) => gbSeconds(floorMs(op, memoryOf(op).floor_mb, floorCpuMs(aws, op, handlerFloorUs)), memoryOf(op).floor_mb));
  const floorSqs = QUEUE_MESSAGES * (1 + SQS_POLLER_REQUESTS_PER_MESSAGE);
  const floor_lines = priced([
    { item: 'API Gateway HTTP API requests', quantity: HTTP_REQUESTS, unit: 'requests', usd_per_million_sessions: HTTP_REQUESTS * PRICES.httpApiPerMillion },
    { item: 'Lambda requests (arm64)', quantity: INVOCATIONS, unit: 'invocations', usd_per_million_sessions: INVOCATIONS * PRICES.lambdaRequestPerMillion },
    { item: 'Lambda duration (the floor bundle\'s memory by the same rule)', quantity: round(floorGbSeconds, 4), unit: 'GB-s', usd_per_million_sessions: floorGbSeconds * M * PRICES.lambdaGbSecond },
    { item: 'DynamoDB write request units', quantity: floorWrites, unit: 'WRU', usd_per_million_sessions: floorWrites * PRICES.dynamoWriteUnitPerMillion },
    { item: 'DynamoDB read request units', quantity: floorReads, unit: 'RRU', usd_per_million_sessions: floorReads * PRICES.dynamoReadUnitPerMillion },
    { item: 'SQS requests (send + receive + delete)', quantity: floorSqs, unit: 'requests', usd_per_million_sessions: floorSqs * PRICES.sqsPerMillion },
  ]);
  const emails = detail('ses SendEmail');
  const motoGbSeconds = perSession((op) => gbSeconds(aws.ms[op], memoryOf(op).configured_mb));
  return {
    lines,
    total: round(lines.reduce((s, l) => s + l.usd_per_million_sessions, 0), 2),
    floor_lines,
    floor: round(floor_lines.reduce((s, l) => s + l.usd_per_million_sessions, 0), 2),
    email_usd_per_million_sessions: round((emails * M * PRICES.sesPer1000) / 1000, 2),
    memory,
    duration_moto_usd_per_million_sessions: round(motoGbSeconds * M * PRICES.lambdaGbSecond, 2),
    modelled_ms: Object.fromEntries(SESSION.map(([op]) => [op, round(modelled(op), 2)])) as Record<Operation, number>,
  };
}

/** The floor's calls per operation: the session read or write it cannot avoid, route's two sends. */
const FLOOR_CALLS: Record<Operation, number> = { create: 1, retrieve: 1, patch: 2, page: 2, pay: 2, route: 2, webhook: 1, email: 1 };

/**
 * The floor handler's CPU: the bare handler's, plus what the bare SDK client spends on each of its
 * calls (measured in this run: our DynamoDB requests replayed with the bare client, aws-calls.ts),
 * e-mail's SES send included. A handler that makes a call cannot spend less than the client does.
 */
export function floorCpuMs(aws: Pick<AwsFigures, 'overhead'>, op: Operation, handlerFloorUs: number): number {
  const perCall = (aws.overhead.create.raw_cpu_ms_per_call + aws.overhead.retrieve.raw_cpu_ms_per_call) / 2;
  return handlerFloorUs / 1000 + (FLOOR_CALLS[op] + (op === 'email' ? 1 : 0)) * perCall;
}

/** The floor handler's CPU, slowed below a full vCPU, plus one documented latency per floor call, and the webhook's and SES's own waits. */
function floorMs(op: Operation, memoryMb: number, cpuMs: number): number {
  const call = op === 'route' ? LATENCY_MS.sqs : LATENCY_MS.dynamodb;
  return cpuAt(cpuMs, memoryMb) + FLOOR_CALLS[op] * call + (op === 'webhook' ? LATENCY_MS.webhook : 0) + (op === 'email' ? LATENCY_MS.ses : 0);
}

function priced(lines: CostLine[]): CostLine[] {
  return lines.map((line) => ({ ...line, usd_per_million_sessions: round(line.usd_per_million_sessions, 2) }));
}
