import type { AddressInfo } from 'node:net';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { MemoryOutbox } from '../adapters/embedded/memory-outbox';
import { OutboxRelay } from '../adapters/embedded/outbox-relay';
import type { Resolve } from '../adapters/http-webhook-sender';
import { systemClock } from '../adapters/system-clock';
import { routeEvent } from '../app/route-event';
import { WEBHOOK_TIMEOUT_MS } from '../app/deliver-webhook';
import { setting, useEnvironment } from '../config/env';
import { logger } from '../handlers/logger';
import type { Clock } from '../ports';
import { TEMPLATES } from '../templates/all-templates';
import { ActivityLog } from './activity-log';
import { embeddedPorts, type EmbeddedPorts } from './embedded-ports';
import { DEMO_MPGS_CODES, demoConfig, type DemoCredentials } from './demo-config';
import { DEMO_MERCHANT } from './mpgs/demo-merchant';
import { startLocalMpgs, type LocalMpgs } from './mpgs/local-mpgs';
import { createGateway, type HandlerFor, type OnRequest } from './local-gateway';
import { localDashboard } from './local-dashboard';
import { localPages } from './local-outbox-page';
import { localRoot } from './local-root';
import { startQueueWorkers, type WorkerHandlerFor } from './local-workers';
import { startSchedules, type Schedules } from './local-schedules';

export interface LocalRuntime {
  url: string;
  server: Server;
  ports: EmbeddedPorts;
  credentials: DemoCredentials;
  /** What the e-mail and SMS twins sent (also at /_local/outbox). */
  outbox: MemoryOutbox;
  relay: OutboxRelay;
  /** The in-process EventBridge schedules (the expiry sweep). */
  schedules: Schedules;
  /** Requests served and deliveries attempted (printed by npm start, shown at /_local/). */
  activity: ActivityLog;
  /** The local MPGS, when started (`localMpgs`). */
  mpgs?: LocalMpgs;
  close(): Promise<void>;
}

export interface LocalOptions {
  port?: number;
  host?: string;
  /** Settings to use instead of the process's environment (tests). */
  env?: Record<string, string | undefined>;
  clock?: Clock;
  /** Scales every queue and relay wait; CHECKOUT_LOCAL_DELAY_SCALE, default 1 (real time). */
  delayScale?: number;
  /** Per-call webhook timeout (15 s by default). */
  webhookTimeoutMs?: number;
  /** DNS for the webhook sender (tests); the system resolver otherwise. */
  resolve?: Resolve;
  /** Addresses or numbers the e-mail/SMS twins refuse for good; returns the reason. */
  rejectNotification?: (channel: 'email' | 'sms', to: string) => string | undefined;
  /** Where requests and delivery attempts are reported; a silent one (kept for /_local/) by default. */
  activity?: ActivityLog;
  /**
   * Runs a local MPGS beside the API (on `port`, 0: a free one) and gives the demo merchant its
   * `mpgs-kwd` and `mpgs-authorize` gateways (npm start does; tests that need it ask).
   */
  localMpgs?: { port?: number; notificationTimeScale?: number };
  /** Per-call timeout towards a payment gateway. */
  gatewayTimeoutMs?: number;
  /** Hashes the demo user's password (tests reuse a stored hash: scrypt takes about 0.7 s). */
  hashPassword?: (password: string) => Promise<string>;
}

/**
 * `npm start`: the whole API in one process, on embedded stores, behind the local gateway.
 * CHECKOUT_EXPIRY_INTERVAL_MS changes how often the expiry sweep runs (default: every minute).
 */
export async function startLocal(options: LocalOptions = {}): Promise<LocalRuntime> {
  const { port = 3000, host = '127.0.0.1', clock = systemClock } = options;
  if (options.env) useEnvironment(options.env);
  // Every setting is checked before anything starts: a bad one stops the start, leaving nothing open.
  const delayScale = options.delayScale ?? setting('CHECKOUT_LOCAL_DELAY_SCALE');
  const expiryIntervalMs = setting('CHECKOUT_EXPIRY_INTERVAL_MS');
  const publicUrl = setting('CHECKOUT_PUBLIC_URL');
  const mpgs = options.localMpgs ? await startLocalMpgs({ port: options.localMpgs.port ?? 0, host, merchants: [DEMO_MERCHANT], notificationTimeScale: options.localMpgs.notificationTimeScale }) : undefined;
  const demoMpgs = mpgs && { host: mpgs.url, merchantId: DEMO_MERCHANT.id, secrets: { api_password: DEMO_MERCHANT.password, notification_secret: DEMO_MERCHANT.notificationSecret } };
  const { config, credentials } = await demoConfig(undefined, demoMpgs, options.hashPassword);
  const activity = options.activity ?? new ActivityLog();
  const ports = embeddedPorts(config, credentials.webhookKey, clock, {
    log: activity,
    delayScale,
    allowLoopbackWebhooks: setting('CHECKOUT_ALLOW_LOOPBACK_WEBHOOKS'),
    resolve: options.resolve,
    emailFrom: setting('CHECKOUT_EMAIL_FROM'),
    rejectNotification: options.rejectNotification,
    // The local MPGS's own credentials, held in memory as Secrets Manager holds a real gateway's.
    gatewaySecrets: { read: async (pgCode) => (demoMpgs && (DEMO_MPGS_CODES as readonly string[]).includes(pgCode) ? demoMpgs.secrets : undefined) },
    gatewayTimeoutMs: options.gatewayTimeoutMs,
  });
  // Every handler module takes what it names from the whole embedded set.
  const wired: HandlerFor = (module) => module.wire(ports);
  const outboxPages = localPages(ports.outbox, ports.queue);
  const dashboard = localDashboard(ports, activity);
  const root = localRoot({ dashboard: true, outbox: true });
  const extra = async (req: IncomingMessage, res: ServerResponse) => (await root(req, res)) || (await outboxPages(req, res)) || dashboard(req, res);
  const gateway = await listenGateway(port, host, wired, extra, (record) => activity.request(record));
  const settings = { publicUrl: publicUrl ?? gateway.url, templates: TEMPLATES, timeoutMs: options.webhookTimeoutMs ?? WEBHOOK_TIMEOUT_MS };
  const workers: WorkerHandlerFor = (module) => module.wire(ports, settings);

  // The table stream's stand-in: committed events → router → queues → the worker handler modules.
  startQueueWorkers(ports.queue, workers);
  const relay = new OutboxRelay(ports.sessions, (event) => routeEvent(ports, event), {
    retryMs: Math.max(5, 1000 * delayScale),
    onError: (error, event) => logger.warn('event routing failed; it will be retried', { event_id: event.event_id, error: error as Error }),
  });
  relay.start();
  const schedules = startSchedules(workers, { ExpireSessions: expiryIntervalMs });

  return {
    ...gateway,
    ports,
    credentials,
    outbox: ports.outbox,
    relay,
    schedules,
    activity,
    mpgs,
    close: async () => {
      await schedules.stop();
      relay.stop();
      await ports.queue.close();
      await gateway.close();
      await mpgs?.stop();
    },
  };
}

/** Serves the route table on `host:port` (0: a free port) with whatever ports are installed. */
export async function listenGateway(port: number, host: string, handlerFor: HandlerFor, extra?: Parameters<typeof createGateway>[1], onRequest?: OnRequest): Promise<Pick<LocalRuntime, 'url' | 'server' | 'close'>> {
  const server = createGateway(handlerFor, extra, onRequest);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address() as AddressInfo;
  const url = `http://${host === '0.0.0.0' ? 'localhost' : host}:${address.port}`;
  return { url, server, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
