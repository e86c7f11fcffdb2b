import type { AddressInfo } from 'node:net';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { DEMO_MPGS_CODES, type DemoMpgs } from '../demo-config';
import { escapeHtml } from '../../domain/notification-message';
import { embeddedOnlyPages } from '../aws-mode';
import type { DemoCredentials } from '../demo-config';
import { functionsOf, lambdaFunctionOf, readAssembly, resourcesOfType, type Assembly, type FunctionSpec } from './assembly';
import { pollQueue, pollStream, queueAttributes, type Poller } from './event-sources';
import type { OnRequest } from '../local-gateway';
import { createHttpApi, routesOf } from './http-api';
import { LambdaFunctionPool, type ChaosPolicy } from './lambda-pool';
import { ACCOUNT, provisionData, storeGatewaySecrets, verifySender, type AwsTarget, type Provisioned } from './provision';
import { resolveValue, type Lookup } from './template-values';

/**
 * The local cloud: a synthesized stage (a cloud assembly with bundled assets) run against an
 * AWS emulator. The Data stack's resources are created from its template; every Lambda runs
 * from its bundle in its own processes with the template's environment; HTTP is routed by the
 * template's route keys; the template's event source mappings and schedule rules drive the
 * workers. Emulator-only settings (`emulatorEnv`) are added to every function's environment and
 * never come from, or go into, the template.
 */

export interface LocalCloudOptions {
  /** The cloud assembly directory (cdk.out) and the stage synthesized into it. */
  assemblyDir: string;
  stage: string;
  target: AwsTarget;
  port?: number;
  host?: string;
  /** CHECKOUT_ALLOW_LOOPBACK_WEBHOOKS, CHECKOUT_LOCAL_DELAY_SCALE, POWERTOOLS_LOG_LEVEL, … */
  emulatorEnv?: Record<string, string>;
  /** Fires every schedule rule at this interval instead of its rate (CHECKOUT_EXPIRY_INTERVAL_MS). */
  scheduleIntervalMs?: number;
  /** Physical names of the created resources start with this (default: the Data stack's name). */
  namePrefix?: string;
  /** CHECKOUT_DEMO_* values for the seeded merchant. */
  seed?: Record<string, string | undefined>;
  /** Where the functions' and pollers' logs go (default stderr). */
  log?: (line: string) => void;
  /** Hears of every HTTP request served (npm start prints one line each). */
  onRequest?: OnRequest;
  /** How often the stream is polled (ms). */
  streamPollMs?: number;
  /** Kills function processes at random mid-invocation (CHECKOUT_LOCAL_CHAOS; chaos.ts). */
  chaos?: ChaosPolicy;
  /** Execution environments per function at most (default 4). */
  maxEnvironments?: number;
  /** Scales the queues' visibility timeouts (provision.ts; tests and `npm run load` under chaos). */
  queueTimeScale?: number;
  /** A local MPGS: the seeded merchant gets its gateways, their secrets go into Secrets Manager under the template's prefix. */
  mpgs?: DemoMpgs;
}

export interface LocalCloud {
  url: string;
  server: Server;
  assembly: Assembly;
  provisioned: Provisioned;
  functions: Map<string, LambdaFunctionPool>;
  /** Function name (route/worker id) → its environment, as the template gives it (resolved). */
  templateEnvironments: Map<string, Record<string, string>>;
  credentials?: DemoCredentials;
  tableName: string;
  /** Runs every schedule rule once now (tests). */
  fireSchedules(): Promise<void>;
  close(): Promise<void>;
}

const PERIOD_MS: Record<string, number> = { minute: 60_000, minutes: 60_000, hour: 3_600_000, hours: 3_600_000, day: 86_400_000, days: 86_400_000 };

export async function startLocalCloud(options: LocalCloudOptions): Promise<LocalCloud> {
  const log = options.log ?? ((line: string) => process.stderr.write(line));
  const assembly = readAssembly(options.assemblyDir, options.stage);
  const { target } = options;
  const provisioned = await provisionData(assembly, target, { namePrefix: options.namePrefix, seed: options.seed, mpgs: options.mpgs, queueTimeScale: options.queueTimeScale });
  const specs = functionsOf(assembly);
  const byLogicalId = new Map(specs.map((spec) => [spec.logicalId, spec]));
  const pools = new Map<string, LambdaFunctionPool>();
  const poolOf = (logicalId: string) => {
    const pool = pools.get(logicalId);
    if (!pool) throw new Error(`no function ${logicalId}`);
    return pool;
  };

  // The HTTP API first: its URL is the API endpoint the template's environment refers to.
  const routes = routesOf(assembly.api.template);
  const server = createHttpApi(routes, (id, event, signal) => poolOf(id).invoke(event, signal), localPages(target), options.onRequest);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', resolve);
  });
  const host = options.host ?? '127.0.0.1';
  const url = `http://${host === '0.0.0.0' ? 'localhost' : host}:${(server.address() as AddressInfo).port}`;

  const api = assembly.api.template;
  const lookup: Lookup = {
    region: target.region,
    account: ACCOUNT,
    parameter: (name) => provisioned.parameters.get(name),
    resource: (id, attribute) => {
      const resource = api.Resources[id];
      if (!resource) return undefined;
      if (resource.Type === 'AWS::ApiGatewayV2::Api') return attribute === 'ApiEndpoint' ? url : 'local';
      const spec = byLogicalId.get(id);
      if (spec) return attribute === 'Arn' ? functionArn(spec, target) : spec.name;
      return attribute ? `${id}.${attribute}` : id;
    },
  };
  const resolve = (value: unknown) => resolveValue(value, api, lookup);

  const templateEnvironments = new Map<string, Record<string, string>>();
  for (const spec of specs) {
    const environment = Object.fromEntries(Object.entries(spec.environment).map(([name, value]) => [name, resolve(value)]));
    templateEnvironments.set(spec.name, environment);
    const runtimeEnv = {
      // What Lambda's runtime sets, then the template's variables, then the emulator's own.
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      TZ: ':UTC',
      LANG: 'en_US.UTF-8',
      AWS_REGION: target.region,
      AWS_DEFAULT_REGION: target.region,
      AWS_ACCESS_KEY_ID: target.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: target.credentials.secretAccessKey,
      AWS_ENDPOINT_URL: target.endpoint,
      AWS_LAMBDA_FUNCTION_NAME: spec.name,
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(spec.memoryMb),
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
      // The bundles target Node 22, where the SDK's Node-support warning does not apply; every
      // other warning still prints.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...environment,
      ...options.emulatorEnv,
    };
    pools.set(spec.logicalId, new LambdaFunctionPool(spec, runtimeEnv, options.maxEnvironments ?? 4, log, options.chaos));
  }
  const emailFrom = [...templateEnvironments.values()].map((env) => env.CHECKOUT_EMAIL_FROM).find(Boolean);
  if (emailFrom) await verifySender(target, emailFrom);
  const gatewayPrefix = [...templateEnvironments.values()].map((env) => env.CHECKOUT_GATEWAY_SECRET_PREFIX).find(Boolean);
  if (options.mpgs && gatewayPrefix) await storeGatewaySecrets(target, gatewayPrefix, DEMO_MPGS_CODES, options.mpgs.secrets);

  const pollers: Poller[] = [];
  const queueByArn = new Map([...provisioned.resources.values()].filter((r) => r.attributes.QueueUrl).map((r) => [r.attributes.Arn!, r.attributes.QueueUrl!]));
  for (const [id, mapping] of resourcesOfType(api, 'AWS::Lambda::EventSourceMapping')) {
    const props = mapping.Properties ?? {};
    const fnId = lambdaFunctionOf(props.FunctionName, api);
    const pool = poolOf(fnId);
    const sourceArn = resolve(props.EventSourceArn);
    const filters = ((props.FilterCriteria?.Filters ?? []) as Array<{ Pattern: string }>).map((f) => JSON.parse(f.Pattern) as unknown);
    const reportBatchItemFailures = ((props.FunctionResponseTypes ?? []) as string[]).includes('ReportBatchItemFailures');
    const invoke = (event: unknown) => pool.invoke(event);
    if (sourceArn.includes(':sqs:')) {
      const queueUrl = queueByArn.get(sourceArn);
      if (!queueUrl) throw new Error(`${id}: no queue ${sourceArn}`);
      await queueAttributes(target, queueUrl);
      pollers.push(
        pollQueue(
          target,
          {
            queueUrl,
            queueArn: sourceArn,
            batchSize: Number(props.BatchSize ?? 10),
            batchingWindowSeconds: Number(props.MaximumBatchingWindowInSeconds ?? 0),
            reportBatchItemFailures,
            maxConcurrency: Number(props.ScalingConfig?.MaximumConcurrency ?? 2),
            filters,
          },
          invoke,
          log,
        ),
      );
    } else if (sourceArn.includes(':dynamodb:')) {
      const destination = props.DestinationConfig?.OnFailure?.Destination ? resolve(props.DestinationConfig.OnFailure.Destination) : undefined;
      pollers.push(
        pollStream(
          target,
          {
            streamArn: sourceArn,
            batchSize: Number(props.BatchSize ?? 100),
            startingPosition: props.StartingPosition === 'LATEST' ? 'LATEST' : 'TRIM_HORIZON',
            filters,
            reportBatchItemFailures,
            bisectOnError: Boolean(props.BisectBatchOnFunctionError),
            retryAttempts: props.MaximumRetryAttempts === undefined ? -1 : Number(props.MaximumRetryAttempts),
            onFailureArn: destination,
            onFailureQueueUrl: destination ? queueByArn.get(destination) : undefined,
            functionArn: functionArn(byLogicalId.get(fnId)!, target),
            pollIntervalMs: options.streamPollMs ?? 250,
          },
          invoke,
          log,
        ),
      );
    } else {
      log(`[local-cloud] ${id}: event source ${sourceArn} is not emulated\n`);
    }
  }

  // EventBridge rules with a rate schedule and Lambda targets.
  const schedules: Array<{ fire: () => Promise<void>; timer: NodeJS.Timeout }> = [];
  for (const [id, rule] of resourcesOfType(api, 'AWS::Events::Rule')) {
    const expression = String(rule.Properties?.ScheduleExpression ?? '');
    const rate = /^rate\((\d+) (\w+)\)$/.exec(expression);
    if (!rate || rule.Properties?.State === 'DISABLED') continue;
    const interval = options.scheduleIntervalMs ?? Number(rate[1]) * (PERIOD_MS[rate[2]!] ?? 60_000);
    // A target with `Input` gets that constant JSON instead of the event (the fanned-out sweep's `{ "shard": n }`).
    const targets = ((rule.Properties?.Targets ?? []) as Array<{ Arn: unknown; Input?: string }>).map((t) => ({ fnId: lambdaFunctionOf(t.Arn, api), input: t.Input }));
    let running: Promise<void> | undefined;
    const fire = async () => {
      if (running) return running; // one at a time, as a slow sweep would not overlap itself here
      // EventBridge invokes a rule's targets in parallel.
      running = Promise.all(
        targets.map(async ({ fnId, input }) => {
          const event = input
            ? (JSON.parse(input) as unknown)
            : { version: '0', id: crypto.randomUUID(), 'detail-type': 'Scheduled Event', source: 'aws.events', account: ACCOUNT, time: new Date().toISOString(), region: target.region, resources: [`arn:aws:events:${target.region}:${ACCOUNT}:rule/${id}`], detail: {} };
          await poolOf(fnId).invoke(event).catch((error: Error) => log(`[schedule] ${id}: ${error.message}\n`));
        }),
      )
        .then(() => undefined)
        .finally(() => (running = undefined));
      return running;
    };
    schedules.push({ fire, timer: setInterval(() => void fire(), interval) });
  }

  return {
    url,
    server,
    assembly,
    provisioned,
    functions: new Map(specs.map((spec) => [spec.name, pools.get(spec.logicalId)!])),
    templateEnvironments,
    credentials: provisioned.credentials,
    tableName: provisioned.tableName,
    fireSchedules: async () => {
      await Promise.all(schedules.map((s) => s.fire()));
    },
    close: async () => {
      for (const schedule of schedules) clearInterval(schedule.timer);
      await Promise.all(pollers.map((p) => p.stop()));
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      });
      await Promise.all([...pools.values()].map((pool) => pool.close()));
    },
  };
}

/** Reads the cloud assembly at `dir` and starts it (the arguments of `startLocalCloud`). */
export { readAssembly };

function functionArn(spec: FunctionSpec, target: AwsTarget): string {
  return `arn:aws:lambda:${target.region}:${ACCOUNT}:function:${spec.name}`;
}

/** What moto's SES and SNS received: GET /_local/outbox (HTML) and /_local/outbox.json; a sentence for the other /_local/ pages. */
function localPages(target: AwsTarget) {
  const embeddedOnly = embeddedOnlyPages({ outbox: true });
  return async (req: IncomingMessage, res: ServerResponse): Promise<boolean> => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname.replace(/\/+$/, '');
    if (req.method !== 'GET' || (path !== '/_local/outbox' && path !== '/_local/outbox.json')) return embeddedOnly(req, res);
    const data = (await (await fetch(`${target.endpoint}/moto-api/data.json`)).json()) as {
      ses?: { Message?: Array<{ source: string; destinations: { ToAddresses?: string[] }; subject: string; body: string }> };
      sns?: { SMS?: Array<{ phone_number: string; message: string }> };
    };
    const messages = [
      ...(data.ses?.Message ?? []).map((m) => ({ channel: 'email' as const, from: m.source, to: (m.destinations.ToAddresses ?? []).join(', '), subject: m.subject, html: m.body })),
      ...(data.sns?.SMS ?? []).map((m) => ({ channel: 'sms' as const, to: m.phone_number, text: m.message })),
    ];
    if (path.endsWith('.json')) {
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify({ messages }));
      return true;
    }
    const items = messages
      .map((m) =>
        m.channel === 'sms'
          ? `<article><small>SMS to ${escapeHtml(m.to)}</small><pre>${escapeHtml(m.text)}</pre></article>`
          : `<article><small>E-mail to ${escapeHtml(m.to)} from ${escapeHtml(m.from)}</small><h2>${escapeHtml(m.subject)}</h2><iframe sandbox srcdoc="${escapeHtml(m.html)}"></iframe></article>`,
      )
      .join('\n');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Local outbox (moto)</title>
<style>body{font-family:system-ui,sans-serif;margin:2rem;max-width:60rem}article{border:1px solid #ccc;border-radius:6px;padding:1rem;margin:1rem 0}iframe{width:100%;height:22rem;border:1px solid #eee}pre{white-space:pre-wrap}</style></head>
<body><h1>Local outbox</h1><p><small>What moto's SES and SNS received (${messages.length}), oldest first.</small></p>${items || '<p>Nothing sent yet.</p>'}</body></html>`);
    return true;
  };
}
