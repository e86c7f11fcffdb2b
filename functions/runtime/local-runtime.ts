import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { MemoryConfigStore } from '../adapters/embedded/memory-config-store';
import { MemoryExpiryIndex } from '../adapters/embedded/memory-expiry-index';
import { MemoryIdempotencyStore } from '../adapters/embedded/memory-idempotency-store';
import { MemorySessionRepository } from '../adapters/embedded/memory-session-repository';
import { randomIds } from '../adapters/random-ids';
import { systemClock } from '../adapters/system-clock';
import type { Clock, Ports } from '../ports';
import { demoConfig, type DemoCredentials } from './demo-config';
import { createGateway } from './local-gateway';
import { intervalFromEnv, startSchedules, type Schedules } from './local-schedules';
import { setPorts } from './ports';

export interface LocalRuntime {
  url: string;
  server: Server;
  ports: Ports & { sessions: MemorySessionRepository; config: MemoryConfigStore };
  credentials: DemoCredentials;
  /** The in-process EventBridge schedules (the expiry sweep). */
  schedules: Schedules;
  close(): Promise<void>;
}

export interface LocalOptions {
  port?: number;
  host?: string;
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
}

/**
 * `npm start`: the whole API in one process, on embedded stores, behind the local gateway.
 * CHECKOUT_EXPIRY_INTERVAL_MS changes how often the expiry sweep runs (default: every minute).
 */
export async function startLocal({ port = 3000, host = '127.0.0.1', env = process.env, clock = systemClock }: LocalOptions = {}): Promise<LocalRuntime> {
  const { config, credentials } = await demoConfig(env);
  const expiryInterval = intervalFromEnv('CHECKOUT_EXPIRY_INTERVAL_MS', env);
  const sessions = new MemorySessionRepository();
  const ports = {
    sessions,
    config: new MemoryConfigStore(config, credentials.webhookKey),
    idempotency: new MemoryIdempotencyStore(),
    clock,
    expiry: new MemoryExpiryIndex(sessions),
    ids: randomIds,
  };
  setPorts(ports);
  const server = createGateway();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address() as AddressInfo;
  const url = `http://${host === '0.0.0.0' ? 'localhost' : host}:${address.port}`;
  const schedules = startSchedules({ ExpireSessions: expiryInterval });
  return {
    url,
    server,
    ports,
    credentials,
    schedules,
    close: async () => {
      await schedules.stop();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
