import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { MemoryConfigStore } from '../adapters/embedded/memory-config-store';
import { MemoryEventQueue } from '../adapters/embedded/memory-event-queue';
import { MemoryIdempotencyStore } from '../adapters/embedded/memory-idempotency-store';
import { MemoryOutbox } from '../adapters/embedded/memory-outbox';
import { MemorySessionRepository } from '../adapters/embedded/memory-session-repository';
import { OutboxRelay } from '../adapters/embedded/outbox-relay';
import { HttpWebhookSender, type Resolve } from '../adapters/http-webhook-sender';
import { randomIds } from '../adapters/random-ids';
import { systemClock } from '../adapters/system-clock';
import { routeEvent } from '../app/route-event';
import type { Clock, Ports } from '../ports';
import { demoConfig, type DemoCredentials } from './demo-config';
import { createGateway } from './local-gateway';
import { localPages } from './local-outbox-page';
import { startQueueWorkers } from './local-workers';
import { logger } from './logger';
import { setPorts } from './ports';
import { setWorkerSettings } from './worker-settings';

export interface LocalRuntime {
  url: string;
  server: Server;
  ports: Ports & { sessions: MemorySessionRepository; config: MemoryConfigStore; queue: MemoryEventQueue };
  credentials: DemoCredentials;
  /** What the e-mail and SMS twins sent (also at /_local/outbox). */
  outbox: MemoryOutbox;
  relay: OutboxRelay;
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

/** `npm start`: the whole API in one process, on embedded stores, behind the local gateway. */
export async function startLocal(options: LocalOptions = {}): Promise<LocalRuntime> {
  const { port = 3000, host = '127.0.0.1', env = process.env, clock = systemClock } = options;
  const delayScale = options.delayScale ?? Number(env.CHECKOUT_LOCAL_DELAY_SCALE ?? 1);
  const { config, credentials } = await demoConfig(env);
  const queue = new MemoryEventQueue({ delayScale });
  const outbox = new MemoryOutbox({ from: env.CHECKOUT_EMAIL_FROM || 'checkout@localhost', clock, reject: options.rejectNotification });
  const ports = {
    sessions: new MemorySessionRepository(),
    config: new MemoryConfigStore(config, credentials.webhookKey),
    idempotency: new MemoryIdempotencyStore(),
    clock,
    ids: randomIds,
    queue,
    // Merchants' webhooks are real HTTP calls here too; loopback only when asked for.
    webhooks: new HttpWebhookSender({ allowLoopback: env.CHECKOUT_ALLOW_LOOPBACK_WEBHOOKS === '1', resolve: options.resolve }),
    mailer: outbox.mailer,
    sms: outbox.sms,
  };
  setPorts(ports);
  const server = createGateway(localPages(outbox, queue));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address() as AddressInfo;
  const url = `http://${host === '0.0.0.0' ? 'localhost' : host}:${address.port}`;
  setWorkerSettings({ publicUrl: env.CHECKOUT_PUBLIC_URL?.replace(/\/+$/, '') || url, ...(options.webhookTimeoutMs ? { webhookTimeoutMs: options.webhookTimeoutMs } : {}) });

  // The table stream's stand-in: committed events → router → queues → the worker handler modules.
  startQueueWorkers(queue);
  const relay = new OutboxRelay(ports.sessions, (event) => routeEvent(ports, event), {
    retryMs: Math.max(5, 1000 * delayScale),
    onError: (error, event) => logger.warn('event routing failed; it will be retried', { event_id: event.event_id, error: error as Error }),
  });
  relay.start();

  return {
    url,
    server,
    ports,
    credentials,
    outbox,
    relay,
    close: async () => {
      relay.stop();
      await queue.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
