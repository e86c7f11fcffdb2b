import { DynamoDBClient, DeleteItemCommand, GetItemCommand, PutItemCommand, QueryCommand, TransactWriteItemsCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import type { APIGatewayProxyEventV2, DynamoDBStreamEvent, SQSEvent } from 'aws-lambda';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { dynamoDocumentClient } from '../functions/adapters/aws/aws-clients';
import { fromItem, sessionItem } from '../functions/adapters/aws/dynamo-session-repository';
import { sessionKey } from '../functions/adapters/aws/table-keys';
import { requiredSetting } from '../functions/config/env';
import { EVENTS_ATTRIBUTE } from '../functions/config/table';
import { HttpWebhookSender } from '../functions/adapters/http-webhook-sender';
import { ManualClock } from '../functions/adapters/system-clock';
import { EXPIRY_SHARDS, expiryMinute, expiryShard, minuteStart } from '../functions/domain/expiry';
import { randomIds } from '../functions/adapters/random-ids';
import type { SessionEvent } from '../functions/domain/events';
import type { HttpResult } from '../functions/handlers/http/http-event';
import type { Ports } from '../functions/ports';
import { benchHandlers, benchPorts } from './aws-ports';
import { startReceiverProcess } from './receiver-process';
import type { AwsStage } from './aws-stage';
import { BENCH_API_KEY } from './aws-stage';
import type { Call } from './call-counter';
import { criticalPathMs } from './cost-model';
import { CREATE_BODY } from './first-requests';
import { httpEvent, lambdaContext, sqsEvent, streamEvent } from './lambda-events';
import { median, round } from './stats';

/**
 * aws_calls: the AWS calls of each operation, counted on the wire (bench/call-counter.ts) while
 * the handler modules run in this process on the AWS adapters against moto. aws_overhead: an
 * operation's latency over the same DynamoDB calls replayed bare with the low-level client.
 */

const PYMT = '/b/checkout/v1/pymt-txn';
/** The typical session of the cost model: a webhook and an e-mail when it is paid. */
const TYPICAL_BODY = { ...CREATE_BODY, notifications: { email: ['paid'] } };
const AUTH = { authorization: `Api-Key ${BENCH_API_KEY}`, 'content-type': 'application/json' };

// The ports the handlers run on (as a Lambda builds them, but for what a step swaps) and the handlers wired to them.
let ports: Ports;
let handlerOf: ReturnType<typeof benchHandlers>;
function usePorts(next: Ports): void {
  ports = next;
  handlerOf = benchHandlers(next);
}
const http = async (module: string, event: APIGatewayProxyEventV2) => (await (await handlerOf(`http/${module}`))(event, lambdaContext())) as HttpResult & { cookies?: string[] };
const worker = async (module: string, event: SQSEvent | DynamoDBStreamEvent) => (await (await handlerOf(module))(event, lambdaContext())) as { batchItemFailures: unknown[] };

export const OPERATIONS = ['create', 'retrieve', 'patch', 'page', 'pay', 'route', 'webhook', 'email'] as const;
export type Operation = (typeof OPERATIONS)[number];

export interface OperationCalls {
  /** Calls per operation, by service (mean over the iterations). */
  dynamodb: number;
  sqs: number;
  s3: number;
  other: number;
  /** DynamoDB request units per operation. */
  wru: number;
  rru: number;
  /** Each API call per operation, e.g. "dynamodb GetItem": 1. */
  detail: Record<string, number>;
}

function expect(ok: boolean, what: string): void {
  if (!ok) throw new Error(`bench: ${what}`);
}

/** Create, the page view and the payment: each a step, so the lifecycle can count them. */
async function settle(step: (op: Operation, run: () => Promise<void>) => Promise<void>, body: Record<string, unknown>, pgCode = 'sandbox-kwd'): Promise<string> {
  let id = '';
  let cookies: string[] = [];
  let csrf = '';
  await step('create', async () => {
    const r = await http('create-session', httpEvent({ method: 'POST', path: `${PYMT}/`, route: PYMT, headers: AUTH, body: JSON.stringify(body) }));
    expect(r.statusCode === 201, `create answered ${r.statusCode} ${r.body}`);
    id = JSON.parse(r.body).session_id;
  });
  const session = () => ({ pathParameters: { session_id: id }, route: `${PYMT}/{session_id}`, path: `${PYMT}/${id}/` });
  await step('retrieve', async () => {
    const r = await http('retrieve-session', httpEvent({ method: 'GET', ...session() }));
    expect(r.statusCode === 200, `retrieve answered ${r.statusCode}`);
  });
  await step('retrieve', async () => void (await http('retrieve-session', httpEvent({ method: 'GET', ...session() }))));
  await step('patch', async () => {
    const r = await http('patch-session', httpEvent({ method: 'PATCH', ...session(), headers: AUTH, body: JSON.stringify({ customer_first_name: 'Ada' }) }));
    expect(r.statusCode === 200, `patch answered ${r.statusCode} ${r.body}`);
  });
  await step('page', async () => {
    const r = await http('checkout-page', httpEvent({ method: 'GET', path: `/checkout/${id}`, route: '/checkout/{session_id}', pathParameters: { session_id: id } }));
    expect(r.statusCode === 200, `page answered ${r.statusCode}`);
    cookies = (r.cookies ?? []).map((c) => c.split(';')[0]!);
    csrf = /name="csrf_token" value="([^"]+)"/.exec(r.body)?.[1] ?? '';
  });
  await step('pay', async () => {
    const form = new URLSearchParams({ csrf_token: csrf, pg_code: pgCode, card_number: '4111111111111111', expiry: '12/39', cvv: '123', name_on_card: 'Ada Lovelace' });
    const event = httpEvent({ method: 'POST', path: `/checkout/${id}/pay`, route: '/checkout/{session_id}/pay', pathParameters: { session_id: id }, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
    const r = await http('checkout-pay', { ...event, cookies });
    expect(r.statusCode === 303, `pay answered ${r.statusCode} ${r.body.slice(0, 300)}`);
  });
  return id;
}

/**
 * The stream record that routes the event the session's latest write committed, and its webhook
 * (the bench builds the event from a read of its own, outside the steps).
 */
async function fanOut<Op extends string>(step: (op: Op, run: () => Promise<void>) => Promise<void>, id: string, type: SessionEvent['type'], ops: { route: Op; webhook: Op }, email?: Op): Promise<void> {
  const stored = (await ports.sessions.get(id))!;
  const event: SessionEvent = { event_id: `bench-${randomBytes(8).toString('hex')}`, type, session_id: id, state: stored.state, version: stored.version, occurred_at: new Date().toISOString() };
  await step(ops.route, async () => {
    // The stream record of the write: the session's new image carrying the event.
    const r = await worker('stream/route-events', streamEvent(event, stored));
    expect(r.batchItemFailures.length === 0, 'route-events failed');
  });
  await step(ops.webhook, async () => {
    const r = await worker('queue/deliver-webhook', sqsEvent({ channel: 'webhook', event }));
    expect(r.batchItemFailures.length === 0, 'deliver-webhook failed');
  });
  if (email) {
    await step(email, async () => {
      const r = await worker('queue/send-email', sqsEvent({ channel: 'email', event, to: 'customer@example.com' }));
      expect(r.batchItemFailures.length === 0, 'send-email failed');
    });
  }
}

/** One paid-session lifecycle, each step a function so it can be counted on its own. */
async function lifecycle(step: (op: Operation, run: () => Promise<void>) => Promise<void>, webhookUrl: string): Promise<void> {
  const id = await settle(step, { ...TYPICAL_BODY, webhook_url: webhookUrl });
  await fanOut(step, id, 'paid', { route: 'route', webhook: 'webhook' }, 'email');
}

function tally(calls: Call[], times: number): OperationCalls {
  const detail: Record<string, number> = {};
  for (const c of calls) detail[`${c.service} ${c.operation}`] = (detail[`${c.service} ${c.operation}`] ?? 0) + 1;
  const per = (n: number) => round(n / times, 2);
  const count = (service: string) => per(calls.filter((c) => c.service === service).length);
  return {
    dynamodb: count('dynamodb'),
    sqs: count('sqs'),
    s3: count('s3'),
    other: per(calls.filter((c) => !['dynamodb', 'sqs', 's3'].includes(c.service)).length),
    wru: per(calls.reduce((s, c) => s + c.wru, 0)),
    rru: per(calls.reduce((s, c) => s + c.rru, 0)),
    detail: Object.fromEntries(Object.entries(detail).map(([k, v]) => [k, per(v)])),
  };
}

/**
 * A merchant's operations on a settled session, apart from the typical session (which has none):
 * a partial refund of a paid session without and with a `Tracking-Key`, the stream record that
 * routes its `refunded` event and its webhook, and a partial capture of an authorization.
 */
export const MERCHANT_OPERATIONS = ['refund', 'refund_tracked', 'refund_route', 'refund_webhook', 'capture'] as const;
export type MerchantOperation = (typeof MERCHANT_OPERATIONS)[number];

export interface ExpireCalls extends OperationCalls {
  /** What one sweep costs whatever it finds: one Query per shard of each minute bucket. */
  queries_per_minute: number;
  sessions: number;
  /**
   * CPU of the sweep per expired session, in this process (handler + SDK; moto runs apart): a
   * sweep of `sessions` due ones less the same sweep over as many empty buckets, so the runs'
   * fixed cost (configuration, checkpoint, a Query per shard and bucket) is not spread over them.
   */
  cpu_ms: number;
  /** CPU per index Query (and the run's other fixed work shared among them): what each page of 100 entries adds. */
  query_cpu_ms: number;
  /**
   * Per paid session whose expiry minute the sweep reaches (every typical session's, since the
   * index keeps settled sessions): the calls on its own item over the runs that read it, and its
   * share of their CPU and modelled wait; `visits`, how many of those runs read it.
   */
  settled: OperationCalls & { cpu_ms: number; wait_ms: number; visits: number };
}

export interface AwsFigures {
  calls: Record<Operation, OperationCalls>;
  expire: ExpireCalls;
  operations: Record<MerchantOperation, OperationCalls>;
  /** Median ms per merchant operation in this process (handler + SDK + moto). */
  operations_ms: Record<MerchantOperation, number>;
  /** Median ms per operation in this process (handler + SDK + moto). */
  ms: Record<Operation, number>;
  /** Median CPU ms per operation in this process (handler + SDK; the proxy, moto and the receiver run apart). */
  cpu_ms: Record<Operation, number>;
  /** Median modelled wait on AWS per operation: the critical path of its calls at documented latencies (cost-model.ts). */
  wait_ms: Record<Operation, number>;
  overhead: Record<'create' | 'retrieve', Overhead>;
}

export interface Overhead {
  ours_ms: number;
  /** The same DynamoDB requests sent with the bare client. */
  raw_ms: number;
  /** CPU of one of those bare requests: what the SDK costs a handler per call (the floor's handler time per call). */
  raw_cpu_ms_per_call: number;
}

/**
 * Lifecycles run before measuring: enough for V8 to optimise the hot paths (the CPU per operation
 * settles after about 45 of them on this machine). At a million sessions a month each function
 * sees a request every few seconds, so a warm instance serves thousands before it is recycled:
 * its steady-state CPU is what the month is billed at; start-up is measured apart (cold-start.ts).
 */
export const WARM_LIFECYCLES = 60;

/** Sessions the expiry sweep's figures are measured on: due ones it expires, and paid ones it reads. */
export interface ExpirySample {
  due: number;
  settled: number;
}

export async function awsCalls(stage: AwsStage, iterations: number, warmLifecycles = WARM_LIFECYCLES, expiry: ExpirySample = { due: 100, settled: 300 }): Promise<AwsFigures> {
  const receiver = await startReceiverProcess();
  // The AWS ports as a Lambda has them, except that the webhook may reach this loopback receiver.
  usePorts(benchPorts({ webhooks: new HttpWebhookSender({ allowLoopback: true }) }));
  const webhookUrl = `${receiver.url}/hook`;
  try {
    // Warm: the first run loads modules, the configuration (cached 30 s) and the webhook key;
    // the rest bring the code to the steady state a busy instance runs in.
    for (let i = 0; i < Math.max(1, warmLifecycles); i++) await lifecycle(async (_op, run) => run(), webhookUrl);
    await stage.counter.take();
    const calls = new Map<Operation, Call[]>(OPERATIONS.map((op) => [op, []]));
    const times = new Map<Operation, number[]>(OPERATIONS.map((op) => [op, []]));
    const cpu = new Map<Operation, number[]>(OPERATIONS.map((op) => [op, []]));
    const waits = new Map<Operation, number[]>(OPERATIONS.map((op) => [op, []]));
    for (let i = 0; i < iterations; i++) {
      await lifecycle(async (op, run) => {
        await stage.counter.take();
        const started = performance.now();
        const cpuBefore = process.cpuUsage();
        await run();
        const used = process.cpuUsage(cpuBefore);
        times.get(op)!.push(performance.now() - started);
        // This process's CPU: the handler and the SDK's marshalling and signing. The counting
        // proxy, moto and the webhook receiver run in processes of their own.
        cpu.get(op)!.push((used.user + used.system) / 1000);
        const taken = await stage.counter.take();
        calls.get(op)!.push(...taken);
        waits.get(op)!.push(criticalPathMs(taken));
      }, webhookUrl);
    }
    const count = (op: Operation) => (op === 'retrieve' ? 2 * iterations : iterations);
    const createBody = JSON.stringify({ ...TYPICAL_BODY, webhook_url: webhookUrl });
    const created = await http('create-session', httpEvent({ method: 'POST', path: `${PYMT}/`, route: PYMT, headers: AUTH, body: createBody }));
    const id = JSON.parse(created.body).session_id as string;
    const overhead = {
      create: await overheadOf(stage, 2 * iterations, () => http('create-session', httpEvent({ method: 'POST', path: `${PYMT}/`, route: PYMT, headers: AUTH, body: createBody }))),
      retrieve: await overheadOf(stage, 2 * iterations, () =>
        http('retrieve-session', httpEvent({ method: 'GET', path: `${PYMT}/${id}/`, route: `${PYMT}/{session_id}`, pathParameters: { session_id: id } })),
      ),
    };
    const operations = await merchantOperationCalls(stage, iterations, webhookUrl);
    const expire = await expireCalls(stage, expiry.due, expiry.settled, webhookUrl);
    return {
      expire,
      operations: operations.calls,
      operations_ms: operations.ms,
      calls: Object.fromEntries(OPERATIONS.map((op) => [op, tally(calls.get(op)!, count(op))])) as Record<Operation, OperationCalls>,
      ms: Object.fromEntries(OPERATIONS.map((op) => [op, round(median(times.get(op)!), 2)])) as Record<Operation, number>,
      cpu_ms: Object.fromEntries(OPERATIONS.map((op) => [op, round(median(cpu.get(op)!), 2)])) as Record<Operation, number>,
      wait_ms: Object.fromEntries(OPERATIONS.map((op) => [op, round(median(waits.get(op)!), 2)])) as Record<Operation, number>,
      overhead,
    };
  } finally {
    await receiver.close();
  }
}

const operate = (body: Record<string, unknown>, headers: Record<string, string> = {}) =>
  http('session-operation', httpEvent({ method: 'POST', path: '/b/pbl/v2/operation/', route: '/b/pbl/v2/operation', headers: { ...AUTH, ...headers }, body: JSON.stringify(body) }));

/** The steps of MERCHANT_OPERATIONS on a paid and an authorized session (their set-up not counted). */
async function merchantOperations(step: (op: MerchantOperation, run: () => Promise<void>) => Promise<void>, webhookUrl: string): Promise<void> {
  const untimed = async (_op: Operation, run: () => Promise<void>) => run();
  const paid = await settle(untimed, { ...CREATE_BODY, webhook_url: webhookUrl });
  const refund = async (headers: Record<string, string> = {}) => {
    const r = await operate({ session_id: paid, operation: 'refund', amount: '4' }, headers);
    expect(r.statusCode === 200, `refund answered ${r.statusCode} ${r.body}`);
  };
  await step('refund', () => refund());
  await fanOut(step, paid, 'refunded', { route: 'refund_route', webhook: 'refund_webhook' });
  await step('refund_tracked', () => refund({ 'tracking-key': `bench-${randomBytes(8).toString('hex')}` }));
  const authorized = await settle(untimed, { ...CREATE_BODY, pg_codes: ['sandbox-authorize'], webhook_url: webhookUrl }, 'sandbox-authorize');
  await step('capture', async () => {
    const r = await operate({ session_id: authorized, operation: 'capture', amount: '5' });
    expect(r.statusCode === 200, `capture answered ${r.statusCode} ${r.body}`);
  });
}

async function merchantOperationCalls(stage: AwsStage, iterations: number, webhookUrl: string): Promise<{ calls: Record<MerchantOperation, OperationCalls>; ms: Record<MerchantOperation, number> }> {
  const calls = new Map<MerchantOperation, Call[]>(MERCHANT_OPERATIONS.map((op) => [op, []]));
  const times = new Map<MerchantOperation, number[]>(MERCHANT_OPERATIONS.map((op) => [op, []]));
  // The first round warms the operation handler's modules and its webhook key.
  for (let i = 0; i <= iterations; i++) {
    await merchantOperations(async (op, run) => {
      await stage.counter.take();
      const started = performance.now();
      await run();
      if (i === 0) return;
      times.get(op)!.push(performance.now() - started);
      calls.get(op)!.push(...(await stage.counter.take()));
    }, webhookUrl);
  }
  return {
    calls: Object.fromEntries(MERCHANT_OPERATIONS.map((op) => [op, tally(calls.get(op)!, iterations)])) as Record<MerchantOperation, OperationCalls>,
    ms: Object.fromEntries(MERCHANT_OPERATIONS.map((op) => [op, round(median(times.get(op)!), 2)])) as Record<MerchantOperation, number>,
  };
}

/**
 * aws_calls.expire: the sweep as the schedule runs it on AWS, one shard's invocation
 * (`{ "shard": 0 }`, 25 sessions in flight), over `count` sessions of that shard due in one
 * minute bucket (clock two minutes later, its checkpoint just before their bucket, as a sweep that
 * runs every minute finds it): its pages full, as at scale, each a Query and a BatchGetItem of up
 * to 100 sessions. Per expired session: the sweep's calls on session items, and its CPU less that
 * of the same sweep over empty buckets (the configuration, checkpoint and queries are its fixed
 * cost per run, reported apart: `query_cpu_ms`). The sweep runs `warm` times on as many sessions
 * first, uncounted: a Lambda that sweeps thousands a run does so with its modules loaded, its
 * configuration cached and its code optimised. `settledCount` paid sessions measure what its reads
 * of closed ones cost.
 */
export async function expireCalls(stage: AwsStage, count: number, settledCount: number, webhookUrl: string, warm = 1): Promise<ExpireCalls> {
  const clock = new ManualClock();
  usePorts(benchPorts({ clock }));
  // A typical session as created through the API, and one paid through it: what the sweep reads,
  // copied under ids of the measured shard.
  const created = await http('create-session', httpEvent({ method: 'POST', path: `${PYMT}/`, route: PYMT, headers: AUTH, body: JSON.stringify(TYPICAL_BODY) }));
  expect(created.statusCode === 201, `create answered ${created.statusCode} ${created.body}`);
  const open = JSON.parse(created.body).session_id as string;
  const paid = await settle(async (_op, run) => run(), { ...TYPICAL_BODY, webhook_url: webhookUrl });
  for (let i = 0; i < warm; i++) await sweepDue(stage, clock, open, count);
  const empty = await sweepDue(stage, clock, open, 0);
  const due = await sweepDue(stage, clock, open, count);
  const queries = due.calls.filter((c) => c.operation === 'Query');
  const emptyQueries = empty.calls.filter((c) => c.operation === 'Query').length;
  return {
    ...tally(sessionCalls(due.calls), count),
    queries_per_minute: round((queries.length / due.bucketsSwept) * EXPIRY_SHARDS, 2),
    sessions: count,
    cpu_ms: round(Math.max(0, due.cpuMs - empty.cpuMs) / count, 3),
    query_cpu_ms: round(empty.cpuMs / Math.max(1, emptyQueries), 3),
    settled: await sweepSettled(stage, clock, paid, settledCount),
  };
}

/** The shard whose invocation the bench measures (any: they are alike). */
const SWEPT_SHARD = 0;
const MINUTE = 60_000;

/** The calls on session items (the sweep's reads and writes of them; not its queries, checkpoint or configuration). */
const sessionCalls = (calls: Call[]) => calls.filter((c) => c.operation !== 'Query' && c.body?.includes('"SESSION#'));

/** One invocation of the measured shard's sweep: its CPU in this process and what it reports. */
async function sweepShard(): Promise<{ cpuMs: number; summary: { expired: number; skipped: number; bucketsSwept: number } }> {
  const sweep = await handlerOf('schedule/expire-sessions');
  const cpuBefore = process.cpuUsage();
  const summary = (await sweep({ shard: SWEPT_SHARD }, lambdaContext())) as { expired: number; skipped: number; bucketsSwept: number };
  const cpu = process.cpuUsage(cpuBefore);
  return { cpuMs: (cpu.user + cpu.system) / 1000, summary };
}

/**
 * `count` copies of the open session falling due in 30 s, and one sweep two minutes later (from
 * a checkpoint two minutes before they fall due, so it sweeps the same buckets whatever `count`):
 * its CPU and calls.
 */
async function sweepDue(stage: AwsStage, clock: ManualClock, open: string, count: number): Promise<{ cpuMs: number; calls: Call[]; bucketsSwept: number }> {
  const due = clock.now().getTime() + 30_000;
  await copySessions(open, count, (i) => new Date(due - (i * 30_000) / Math.max(1, count)));
  await ports.expiry.markSwept(expiryMinute(new Date(due - 2 * MINUTE)), undefined, SWEPT_SHARD);
  clock.set(new Date(due + 2 * MINUTE));
  await stage.counter.take();
  const { cpuMs, summary } = await sweepShard();
  expect(summary.expired === count, `the sweep expired ${summary.expired} of ${count}`);
  return { cpuMs, calls: await stage.counter.take(), bucketsSwept: summary.bucketsSwept };
}

/**
 * `count` sessions paid before their expiry, falling due across one minute, then the schedule's
 * runs (every minute, at second 30) until the checkpoint passes their bucket: each run re-reads a
 * bucket until it settles, so a paid session is read two or three times. Their CPU is less that of
 * the same runs over an empty bucket: the queries and the checkpoint are the sweep's fixed cost.
 */
async function sweepSettled(stage: AwsStage, clock: ManualClock, paid: string, count: number): Promise<ExpireCalls['settled']> {
  const runs = async (bucket: number) => {
    await ports.expiry.markSwept(expiryMinute(new Date(bucket - MINUTE)), undefined, SWEPT_SHARD);
    await stage.counter.take();
    let cpuMs = 0;
    let visits = 0;
    for (let at = bucket + MINUTE / 2; (await ports.expiry.sweptThrough(SWEPT_SHARD))!.minute < expiryMinute(new Date(bucket)); at += MINUTE) {
      clock.set(new Date(at));
      const run = await sweepShard();
      cpuMs += run.cpuMs;
      visits += run.summary.skipped;
      expect(run.summary.expired === 0, `the sweep expired ${run.summary.expired} paid sessions`);
    }
    return { cpuMs, visits, calls: await stage.counter.take() };
  };
  const freshBucket = () => minuteStart(expiryMinute(clock.now())).getTime() + 3 * MINUTE;
  const empty = await runs(freshBucket());
  const bucket = freshBucket();
  await copySessions(paid, count, (i) => new Date(bucket + (i * MINUTE) / count));
  const full = await runs(bucket);
  const calls = sessionCalls(full.calls);
  return {
    ...tally(calls, count),
    cpu_ms: round(Math.max(0, full.cpuMs - empty.cpuMs) / count, 3),
    wait_ms: round(criticalPathMs(calls) / count, 2),
    visits: round(full.visits / count, 2),
  };
}

/**
 * `count` copies of a session's stored item (its last events included) under new ids of the
 * measured shard, the i-th expiring at `expiresAt(i)`: sessions made through the API one by one
 * would take minutes on moto, and what the sweep does with one depends only on the item it reads.
 */
async function copySessions(sessionId: string, count: number, expiresAt: (i: number) => Date): Promise<void> {
  const client = dynamoDocumentClient();
  const table = requiredSetting('CHECKOUT_TABLE');
  const source = (await client.send(new GetCommand({ TableName: table, Key: sessionKey(sessionId), ConsistentRead: true }))).Item!;
  const events = JSON.parse(String(source[EVENTS_ATTRIBUTE] ?? '[]')) as SessionEvent[];
  const copy = (i: number) => {
    let id = randomIds.sessionId();
    while (expiryShard(id) !== SWEPT_SHARD) id = randomIds.sessionId();
    const session = { ...fromItem(source), session_id: id, expires_at: expiresAt(i).toISOString() };
    return client.send(new PutCommand({ TableName: table, Item: sessionItem(session, events.map((event) => ({ ...event, session_id: id }))) }));
  };
  for (let i = 0; i < count; i += 10) await Promise.all(Array.from({ length: Math.min(10, count - i) }, (_, j) => copy(i + j)));
}

const COMMANDS: Record<string, new (input: any) => any> = {
  GetItem: GetItemCommand,
  PutItem: PutItemCommand,
  UpdateItem: UpdateItemCommand,
  DeleteItem: DeleteItemCommand,
  Query: QueryCommand,
  TransactWriteItems: TransactWriteItemsCommand,
};

/**
 * aws_overhead: our operation, then its own DynamoDB requests sent again in the same order with
 * the bare low-level client (whose input is the wire JSON), alternating, so moto's state and the
 * machine's load are the same for both. A write's session ids are replaced by new ones so its
 * conditional writes succeed again; reads keep theirs. Medians in ms.
 */
async function overheadOf(stage: AwsStage, times: number, run: () => Promise<unknown>): Promise<Overhead> {
  const client = new DynamoDBClient({});
  const ours: number[] = [];
  const raw: number[] = [];
  const rawCpuPerCall: number[] = [];
  try {
    for (let i = 0; i <= times; i++) {
      await stage.counter.take();
      let started = performance.now();
      await run();
      const oursMs = performance.now() - started;
      const calls = (await stage.counter.take()).filter((c) => c.service === 'dynamodb');
      const renamed = new Map<string, string>();
      const fresh = (text: string) => text.replace(/\b[0-9a-f]{40}\b/g, (id) => renamed.get(id) ?? renamed.set(id, randomBytes(20).toString('hex')).get(id)!);
      const writes = calls.some((c) => c.operation !== 'GetItem' && c.operation !== 'Query');
      const inputs = calls.map((c) => ({ Command: COMMANDS[c.operation]!, input: JSON.parse(writes ? fresh(c.body!) : c.body!) }));
      started = performance.now();
      const cpuBefore = process.cpuUsage();
      for (const { Command, input } of inputs) await client.send(new Command(input));
      const cpu = process.cpuUsage(cpuBefore);
      const rawMs = performance.now() - started;
      // The first round warms the bare client's connection and code paths, as ours already are.
      if (i > 0) {
        ours.push(oursMs);
        raw.push(rawMs);
        rawCpuPerCall.push((cpu.user + cpu.system) / 1000 / inputs.length);
      }
    }
  } finally {
    client.destroy();
  }
  return { ours_ms: round(median(ours), 2), raw_ms: round(median(raw), 2), raw_cpu_ms_per_call: round(median(rawCpuPerCall), 3) };
}
