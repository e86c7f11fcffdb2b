import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { MemoryConfigStore } from '../adapters/embedded/memory-config-store';
import { MemoryIdempotencyStore } from '../adapters/embedded/memory-idempotency-store';
import { MemorySessionRepository } from '../adapters/embedded/memory-session-repository';
import { randomIds } from '../adapters/random-ids';
import { systemClock } from '../adapters/system-clock';
import type { Clock, Ports } from '../ports';
import { demoConfig, type DemoCredentials } from './demo-config';
import { createGateway } from './local-gateway';
import { setPorts } from './ports';

export interface LocalRuntime {
  url: string;
  server: Server;
  ports: Ports & { sessions: MemorySessionRepository; config: MemoryConfigStore };
  credentials: DemoCredentials;
  close(): Promise<void>;
}

export interface LocalOptions {
  port?: number;
  host?: string;
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
}

/** `npm start`: the whole API in one process, on embedded stores, behind the local gateway. */
export async function startLocal({ port = 3000, host = '127.0.0.1', env = process.env, clock = systemClock }: LocalOptions = {}): Promise<LocalRuntime> {
  const { config, credentials } = await demoConfig(env);
  const ports = {
    sessions: new MemorySessionRepository(),
    config: new MemoryConfigStore(config, credentials.webhookKey),
    idempotency: new MemoryIdempotencyStore(),
    clock,
    ids: randomIds,
  };
  setPorts(ports);
  return { ...(await listenGateway(port, host)), ports, credentials };
}

/** Serves the route table on `host:port` (0: a free port) with whatever ports are installed. */
export async function listenGateway(port: number, host: string): Promise<Pick<LocalRuntime, 'url' | 'server' | 'close'>> {
  const server = createGateway();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address() as AddressInfo;
  const url = `http://${host === '0.0.0.0' ? 'localhost' : host}:${address.port}`;
  return { url, server, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}
