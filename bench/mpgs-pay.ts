import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { dynamoDocumentClient } from '../functions/adapters/aws/aws-clients';
import { DynamoConfigStore } from '../functions/adapters/aws/dynamo-config-store';
import { HttpWebhookSender } from '../functions/adapters/http-webhook-sender';
import { requiredSetting } from '../functions/config/env';
import { firstInquiry } from '../functions/domain/inquiry';
import type { SessionEvent } from '../functions/domain/events';
import type { HttpResult } from '../functions/handlers/http/http-event';
import { DEMO_MERCHANT } from '../functions/local/mpgs/demo-merchant';
import { functionMemoryMb, stageConfig } from '../lib/stage-config';
import { payOnHostedForm } from '../test/fixtures/mpgs';
import { benchHandlers, benchPorts } from './aws-ports';
import { BENCH_API_KEY, type AwsStage } from './aws-stage';
import type { Call } from './call-counter';
import { criticalPathMs, PRICES } from './cost-model';
import { httpEvent, lambdaContext, sqsEvent, streamEvent } from './lambda-events';
import { median, round } from './stats';

/**
 * The MPGS pay path (Hosted Checkout): a session paid through the local MPGS, a faithful fake of
 * the gateway run in a process of its own, with the handler modules in this process on the AWS
 * adapters against the bench's moto. Each step's AWS calls are counted on the wire (the call
 * counter) and its MPGS calls in the fake's request log; its cost per million such sessions is
 * priced as cost-model.ts prices the sandbox session (measured CPU at the stage's memory, plus
 * the documented AWS call latencies, plus MPGS_CALL_MS per gateway call).
 */

/** The steps of one MPGS session; the customer's card entry happens at MPGS, not here. */
export const MPGS_STEPS = ['create', 'page', 'pay', 'return', 'notify', 'route', 'webhook', 'inquiry'] as const;
export type MpgsStep = (typeof MPGS_STEPS)[number];

/** The Lambda behind each step, whose memory the prod stage sets. */
const FUNCTION_OF: Record<MpgsStep, { id: string; kind: 'route' | 'worker' }> = {
  create: { id: 'CreateSession', kind: 'route' },
  page: { id: 'CheckoutPage', kind: 'route' },
  pay: { id: 'CheckoutPay', kind: 'route' },
  return: { id: 'CheckoutReturn', kind: 'route' },
  notify: { id: 'GatewayNotification', kind: 'route' },
  route: { id: 'RouteEvents', kind: 'worker' },
  webhook: { id: 'DeliverWebhook', kind: 'worker' },
  inquiry: { id: 'AutoInquiry', kind: 'worker' },
};
const HTTP_STEPS: readonly MpgsStep[] = ['create', 'page', 'pay', 'return', 'notify'];

/**
 * One MPGS API call's wait as a Lambda sees it: MPGS publishes no latency figure; an assumption
 * for a regional gateway host reached over the internet (TLS reused), on the high side.
 */
export const MPGS_CALL_MS = 300;
/** The webhook's wait at the merchant (cost-model.ts LATENCY_MS.webhook): the return sends the paid webhook itself. */
const WEBHOOK_WAIT_MS = 100;
/** SQS messages a session sends beyond its counted SendMessage calls' own: Lambda's ReceiveMessage and DeleteMessage of each. */
const SQS_POLLER_REQUESTS_PER_MESSAGE = 2;

export interface MpgsStepFigures {
  /** Our AWS calls per step, by "service Operation", and the DynamoDB request units. */
  aws: Record<string, number>;
  wru: number;
  rru: number;
  /** The gateway's calls per step, by "METHOD resource". */
  mpgs: Record<string, number>;
  cpu_ms: number;
  /** Wall time in this process (handler + SDK + moto + the fake). */
  ms: number;
  /** The modelled wait on AWS (critical path of the calls) and on MPGS (MPGS_CALL_MS each). */
  wait_ms: number;
}

export interface MpgsFigures {
  steps: Record<MpgsStep, MpgsStepFigures>;
  cost_lines: Array<{ item: string; quantity: number; unit: string; usd_per_million_sessions: number }>;
  cost_per_million_sessions_usd: number;
}

/** Starts the local MPGS in its own process (its CPU is not ours); resolves with its URL. */
async function startMpgsProcess(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [require.resolve('tsx/cli'), join(__dirname, '..', 'functions', 'local', 'mpgs', 'main.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`bench: the local MPGS did not start: ${out}`)), 30_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const found = /listening on (http:\/\/\S+)/.exec(out);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`bench: the local MPGS exited (${code}): ${out}`)));
  });
  return { url, child };
}

interface Recorded {
  method: string;
  path: string;
}

/** The fake's request log since the last take, as "METHOD resource" (the API's, not the customer's form). */
async function mpgsCalls(url: string): Promise<string[]> {
  const log = (await (await fetch(`${url}/_fake/requests`)).json()) as Recorded[];
  await fetch(`${url}/_fake/requests`, { method: 'DELETE' });
  return log
    .filter((r) => r.path.startsWith('/api/'))
    .map((r) => `${r.method} ${r.path.replace(/^\/api\/rest\/version\/\d+\/merchant\/[^/]+/, '').replace(/\/order\/[^/]+/, '/order/{id}').replace(/\/transaction\/[^/]+/, '/transaction/{id}')}`);
}

/** The MPGS gateway in the bench merchant's configuration, its secret where the functions read it. */
async function addMpgsGateway(url: string): Promise<void> {
  const secrets = new SecretsManagerClient({});
  await secrets.send(new CreateSecretCommand({ Name: `${requiredSetting('CHECKOUT_GATEWAY_SECRET_PREFIX')}mpgs-kwd`, SecretString: JSON.stringify({ api_password: DEMO_MERCHANT.password, notification_secret: DEMO_MERCHANT.notificationSecret }) }));
  secrets.destroy();
  const store = new DynamoConfigStore(dynamoDocumentClient(), requiredSetting('CHECKOUT_TABLE'));
  const stored = (await store.read())!;
  const gateway = { code: 'mpgs-kwd', name: 'Mastercard Gateway', pg: 'mpgs', is_sandbox: true, operation: 'purchase' as const, icon: '/static/pg-icons/card.svg', fee_percent: '0', currencies: ['KWD'], attempt_limit: 3, connection: { host: url, merchant_id: DEMO_MERCHANT.id }, inquiry_window_minutes: 11 };
  await store.save({ ...stored.config, gateways: [...stored.config.gateways, gateway] }, stored.version);
}

export async function mpgsPayFigures(stage: AwsStage, iterations: number, webhookUrl: string): Promise<MpgsFigures> {
  const fake = await startMpgsProcess();
  try {
    await fetch(`${fake.url}/_fake/faults`, { method: 'POST', body: JSON.stringify({ notifications: 'never' }) });
    await addMpgsGateway(fake.url);
    // Fresh ports: the configuration is read anew, with the MPGS gateway.
    const ports = benchPorts({ webhooks: new HttpWebhookSender({ allowLoopback: true }) });
    const handlerOf = benchHandlers(ports);
    const http = async (module: string, event: Parameters<typeof httpEvent>[0] & { cookies?: string[] }) => {
      const { cookies, ...rest } = event;
      return (await (await handlerOf(`http/${module}`))({ ...httpEvent(rest), ...(cookies ? { cookies } : {}) }, lambdaContext())) as HttpResult & { cookies?: string[] };
    };
    const worker = async (module: string, event: unknown) => (await (await handlerOf(module))(event, lambdaContext())) as { batchItemFailures: unknown[] };
    const check = (ok: boolean, what: string) => {
      if (!ok) throw new Error(`bench (MPGS): ${what}`);
    };

    const session = async (step: (name: MpgsStep, run: () => Promise<void>) => Promise<void>) => {
      let id = '';
      let cookies: string[] = [];
      let csrf = '';
      let mpgsSession = '';
      let back: URL | undefined;
      const body = { type: 'payment_request', pg_codes: ['mpgs-kwd'], amount: '14.125', currency_code: 'KWD', webhook_url: webhookUrl, redirect_url: 'https://shop.example/thanks', customer_email: 'customer@example.com' };
      await step('create', async () => {
        const r = await http('create-session', { method: 'POST', path: '/b/checkout/v1/pymt-txn/', route: '/b/checkout/v1/pymt-txn', headers: { authorization: `Api-Key ${BENCH_API_KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
        check(r.statusCode === 201, `create answered ${r.statusCode} ${r.body}`);
        id = JSON.parse(r.body).session_id;
      });
      await step('page', async () => {
        const r = await http('checkout-page', { method: 'GET', path: `/checkout/${id}`, route: '/checkout/{session_id}', pathParameters: { session_id: id } });
        check(r.statusCode === 200, `page answered ${r.statusCode}`);
        cookies = (r.cookies ?? []).map((c) => c.split(';')[0]!);
        csrf = /name="csrf_token" value="([^"]+)"/.exec(r.body)?.[1] ?? '';
      });
      await step('pay', async () => {
        const form = new URLSearchParams({ csrf_token: csrf, pg_code: 'mpgs-kwd' });
        const r = await http('checkout-pay', { method: 'POST', path: `/checkout/${id}/pay`, route: '/checkout/{session_id}/pay', pathParameters: { session_id: id }, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString(), cookies });
        check(r.statusCode === 200, `pay answered ${r.statusCode} ${r.body.slice(0, 300)}`);
        mpgsSession = /Checkout\.configure\(\{"session":\{"id":"([^"]+)"\}\}\)/.exec(r.body)?.[1] ?? '';
      });
      // The customer on MPGS's page (MPGS's work, not ours): not a step.
      back = await payOnHostedForm({ url: fake.url }, mpgsSession, { expiry: '01/39' });
      await mpgsCalls(fake.url);
      await step('return', async () => {
        const query = Object.fromEntries(back!.searchParams);
        const r = await http('checkout-return', { method: 'GET', path: back!.pathname, route: '/checkout/{session_id}/return', pathParameters: { session_id: id }, query });
        check(r.statusCode === 303 && (r.headers?.location as string).startsWith('https://shop.example/thanks'), `return answered ${r.statusCode} ${JSON.stringify(r.headers)}`);
      });
      const stored = (await ports.sessions.get(id))!;
      const reference = stored.attempts.at(-1)!.reference_number;
      // MPGS's notification of the same payment, arriving after the return settled it.
      await step('notify', async () => {
        const r = await http('gateway-notification', { method: 'POST', path: `/checkout/notify/mpgs-kwd/${id}`, route: '/checkout/notify/{pg_code}/{session_id}', pathParameters: { pg_code: 'mpgs-kwd', session_id: id }, headers: { 'content-type': 'application/json', 'x-notification-secret': DEMO_MERCHANT.notificationSecret }, body: JSON.stringify({ order: { id: reference }, result: 'SUCCESS' }) });
        check(r.statusCode === 200, `notify answered ${r.statusCode} ${r.body}`);
      });
      // The paid event as committed: its version is the one the return's delivery recorded (the
      // status write after it moved the session's version on).
      const paidVersion = stored.webhook_delivered?.at(-1);
      check(paidVersion !== undefined, 'the return did not record its webhook delivery');
      const event: SessionEvent = { event_id: `bench-mpgs-${reference}`, type: 'paid', session_id: id, state: stored.state, version: paidVersion!, occurred_at: new Date().toISOString() };
      await step('route', async () => {
        const r = await worker('stream/route-events', streamEvent(event, stored));
        check(r.batchItemFailures.length === 0, 'route-events failed');
      });
      // The queued copy of the paid webhook the return already delivered: found delivered, not sent again.
      await step('webhook', async () => {
        const r = await worker('queue/deliver-webhook', sqsEvent({ channel: 'webhook', event }));
        check(r.batchItemFailures.length === 0, 'deliver-webhook failed');
      });
      // The automatic inquiry scheduled at pay, due after MPGS's window: nothing pending any more.
      await step('inquiry', async () => {
        const r = await worker('queue/auto-inquiry', sqsEvent(firstInquiry(id, reference, { inquiry_window_minutes: 11 })));
        check(r.batchItemFailures.length === 0, 'auto-inquiry failed');
      });
    };

    // Warm: modules, the configuration, the secrets, the webhook key.
    for (let i = 0; i < 3; i++) await session(async (_name, run) => run());
    const aws = new Map<MpgsStep, Call[]>(MPGS_STEPS.map((s) => [s, []]));
    const gateway = new Map<MpgsStep, string[]>(MPGS_STEPS.map((s) => [s, []]));
    const cpu = new Map<MpgsStep, number[]>(MPGS_STEPS.map((s) => [s, []]));
    const wall = new Map<MpgsStep, number[]>(MPGS_STEPS.map((s) => [s, []]));
    const waits = new Map<MpgsStep, number[]>(MPGS_STEPS.map((s) => [s, []]));
    for (let i = 0; i < iterations; i++) {
      await session(async (name, run) => {
        await stage.counter.take();
        await mpgsCalls(fake.url);
        const started = performance.now();
        const cpuBefore = process.cpuUsage();
        await run();
        const used = process.cpuUsage(cpuBefore);
        wall.get(name)!.push(performance.now() - started);
        cpu.get(name)!.push((used.user + used.system) / 1000);
        const taken = await stage.counter.take();
        const called = await mpgsCalls(fake.url);
        aws.get(name)!.push(...taken);
        gateway.get(name)!.push(...called);
        waits.get(name)!.push(criticalPathMs(taken) + called.length * MPGS_CALL_MS + (name === 'return' ? WEBHOOK_WAIT_MS : 0));
      });
    }
    const per = (n: number) => round(n / iterations, 2);
    const byName = (names: string[]) => Object.fromEntries(Object.entries(names.reduce<Record<string, number>>((acc, n) => ({ ...acc, [n]: (acc[n] ?? 0) + 1 }), {})).map(([k, v]) => [k, per(v)]));
    const steps = Object.fromEntries(
      MPGS_STEPS.map((name) => {
        const calls = aws.get(name)!;
        const figures: MpgsStepFigures = {
          aws: byName(calls.map((c) => `${c.service} ${c.operation}`)),
          wru: per(calls.reduce((s, c) => s + c.wru, 0)),
          rru: per(calls.reduce((s, c) => s + c.rru, 0)),
          mpgs: byName(gateway.get(name)!),
          cpu_ms: round(median(cpu.get(name)!), 2),
          ms: round(median(wall.get(name)!), 2),
          wait_ms: round(median(waits.get(name)!), 2),
        };
        return [name, figures];
      }),
    ) as Record<MpgsStep, MpgsStepFigures>;
    return { steps, ...mpgsCost(steps) };
  } finally {
    fake.child.kill();
  }
}

/** Lambda gives a function one full vCPU at 1 769 MB and CPU in proportion below that. */
const FULL_VCPU_MB = 1769;

/** One MPGS session priced as cost-model.ts prices the sandbox one, at the prod stage's memory per function. */
function mpgsCost(steps: Record<MpgsStep, MpgsStepFigures>) {
  const prod = stageConfig('prod');
  const M = 1_000_000;
  let gbSeconds = 0;
  for (const name of MPGS_STEPS) {
    const { id, kind } = FUNCTION_OF[name];
    const memoryMb = functionMemoryMb(prod, id, kind);
    const ms = steps[name].cpu_ms * Math.max(1, FULL_VCPU_MB / memoryMb) + steps[name].wait_ms;
    gbSeconds += (Math.ceil(ms) / 1000) * (memoryMb / 1024);
  }
  const total = (pick: (s: MpgsStepFigures) => number) => MPGS_STEPS.reduce((sum, name) => sum + pick(steps[name]), 0);
  const detail = (key: string) => total((s) => s.aws[key] ?? 0);
  const wru = total((s) => s.wru);
  const rru = total((s) => s.rru);
  // Each message sent is also received and deleted by Lambda's poller.
  const sent = detail('sqs SendMessage') + detail('sqs SendMessageBatch');
  const sqs = total((s) => Object.entries(s.aws).filter(([k]) => k.startsWith('sqs ')).reduce((a, [, v]) => a + v, 0)) + sent * SQS_POLLER_REQUESTS_PER_MESSAGE;
  const secrets = detail('secretsmanager GetSecretValue');
  const lines = [
    { item: 'API Gateway HTTP API requests', quantity: HTTP_STEPS.length, unit: 'requests', usd: HTTP_STEPS.length * PRICES.httpApiPerMillion },
    { item: 'Lambda requests (arm64)', quantity: MPGS_STEPS.length, unit: 'invocations', usd: MPGS_STEPS.length * PRICES.lambdaRequestPerMillion },
    { item: `Lambda duration (prod memory; measured CPU + documented AWS latency + ${MPGS_CALL_MS} ms per MPGS call)`, quantity: round(gbSeconds, 4), unit: 'GB-s', usd: gbSeconds * M * PRICES.lambdaGbSecond },
    { item: 'DynamoDB write request units', quantity: round(wru, 2), unit: 'WRU', usd: wru * PRICES.dynamoWriteUnitPerMillion },
    { item: 'DynamoDB read request units', quantity: round(rru, 2), unit: 'RRU', usd: rru * PRICES.dynamoReadUnitPerMillion },
    { item: 'SQS requests (send + receive + delete)', quantity: round(sqs, 2), unit: 'requests', usd: sqs * PRICES.sqsPerMillion },
    { item: 'Secrets Manager GetSecretValue', quantity: round(secrets, 2), unit: 'calls', usd: (secrets * M * PRICES.secretsManagerPer10k) / 10_000 },
  ].map(({ usd, ...line }) => ({ ...line, usd_per_million_sessions: round(usd, 2) }));
  return { cost_lines: lines, cost_per_million_sessions_usd: round(lines.reduce((s, l) => s + l.usd_per_million_sessions, 0), 2) };
}
