import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { systemClock } from '../adapters/system-clock';
import type { Clock } from '../ports';
import { embeddedPorts, type EmbeddedPorts } from './embedded-ports';
import { demoConfig, type DemoCredentials } from './demo-config';
import { createGateway } from './local-gateway';
import { setPorts } from './ports';

export interface LocalRuntime {
  url: string;
  server: Server;
  ports: EmbeddedPorts;
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
  const ports = embeddedPorts(config, credentials.webhookKey, clock);
  setPorts(ports);
  const server = createGateway();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const address = server.address() as AddressInfo;
  const url = `http://${host === '0.0.0.0' ? 'localhost' : host}:${address.port}`;
  return {
    url,
    server,
    ports,
    credentials,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
