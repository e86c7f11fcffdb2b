import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { MemoryOutbox } from '../adapters/embedded/memory-outbox';
import { OutboxRelay } from '../adapters/embedded/outbox-relay';
import type { Resolve } from '../adapters/http-webhook-sender';
import { systemClock } from '../adapters/system-clock';
import { routeEvent } from '../app/route-event';
import type { Clock } from '../ports';
import { embeddedPorts, type EmbeddedPorts } from './embedded-ports';
import { demoConfig, type DemoCredentials } from './demo-config';
import { createGateway } from './local-gateway';
import { localPages } from './local-outbox-page';
import { startQueueWorkers } from './local-workers';
import { logger } from './logger';
import { intervalFromEnv, startSchedules, type Schedules } from './local-schedules';
import { setPorts } from './ports';
import { setWorkerSettings } from './worker-settings';

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
  close(): Promise<void>;
}

export interface LocalOptions {
  port?: number;
  host?: string;
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  /** Scales every queue and relay wait; CHECKOUT_LOCAL_DELAY_SCALE, default 1 (real time). */
  delayScale?: number;
  /** Per-call webhook timeout (15 s by default). */
  webhookTimeoutMs?: number;
  /** DNS for the webhook sender (tests); the system resolver otherwise. */
  resolve?: Resolve;
  /** Addresses or numbers the e-mail/SMS twins refuse for good; returns the reason. */
  rejectNotification?: (channel: 'email' | 'sms', to: string) => string | undefined;
}

/**
 * `npm start`: the whole API in one process, on embedded stores, behind the local gateway.
 * CHECKOUT_EXPIRY_INTERVAL_MS changes how often the expiry sweep runs (default: every minute).
 */
export async function startLocal(options: LocalOptions = {}): Promise<LocalRuntime> {
  const { port = 3000, host = '127.0.0.1', env = process.env, clock = systemClock } = options;
  const delayScale = options.delayScale ?? Number(env.CHECKOUT_LOCAL_DELAY_SCALE ?? 1);
  const { config, credentials } = await demoConfig(env);
  const expiryInterval = intervalFromEnv('CHECKOUT_EXPIRY_INTERVAL_MS', env);
  const ports = embeddedPorts(config, credentials.webhookKey, clock, {
    delayScale,
    allowLoopbackWebhooks: env.CHECKOUT_ALLOW_LOOPBACK_WEBHOOKS === '1',
    resolve: options.resolve,
    emailFrom: env.CHECKOUT_EMAIL_FROM,
    rejectNotification: options.rejectNotification,
  });
  setPorts(ports);
  const gateway = await listenGateway(port, host, localPages(ports.outbox, ports.queue));
  setWorkerSettings({ publicUrl: env.CHECKOUT_PUBLIC_URL?.replace(/\/+$/, '') || gateway.url, ...(options.webhookTimeoutMs ? { webhookTimeoutMs: options.webhookTimeoutMs } : {}) });

  // The table stream's stand-in: committed events → router → queues → the worker handler modules.
  startQueueWorkers(ports.queue);
  const relay = new OutboxRelay(ports.sessions, (event) => routeEvent(ports, event), {
    retryMs: Math.max(5, 1000 * delayScale),
    onError: (error, event) => logger.warn('event routing failed; it will be retried', { event_id: event.event_id, error: error as Error }),
  });
  relay.start();
  const schedules = startSchedules({ ExpireSessions: expiryInterval });

  return {
    ...gateway,
    ports,
    credentials,
    outbox: ports.outbox,
    relay,
    schedules,
    close: async () => {
      await schedules.stop();
      relay.stop();
      await ports.queue.close();
      await gateway.close();
    },
  };
}

/** Serves the route table on `host:port` (0: a free port) with whatever ports are installed. */
export async function listenGateway(port: number, host: string, extra?: Parameters<typeof createGateway>[0]): Promise<Pick<LocalRuntime, 'url' | 'server' | 'close'>> {
  const server = createGateway(extra);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address() as AddressInfo;
  const url = `http://${host === '0.0.0.0' ? 'localhost' : host}:${address.port}`;
  return { url, server, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
