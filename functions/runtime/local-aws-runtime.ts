import type { Clock, Ports } from '../ports';
import { bootstrapAws } from './aws-bootstrap';
import { awsPorts } from './aws-ports';
import type { DemoCredentials } from './demo-config';
import { listenGateway, type LocalRuntime } from './local-runtime';
import { setPorts } from './ports';

export interface LocalAwsRuntime extends Pick<LocalRuntime, 'url' | 'server' | 'close'> {
  ports: Ports;
  /** Known only when this start seeded the demo configuration (stored ones are hashed). */
  credentials?: DemoCredentials;
  /** The environment the AWS ports were built from (bootstrap's names included). */
  env: NodeJS.ProcessEnv;
}

export interface LocalAwsOptions {
  port?: number;
  host?: string;
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  /** Create the table, bucket, queues and secret first and seed the demo merchant (CHECKOUT_BOOTSTRAP=1). */
  bootstrap?: boolean;
}

/**
 * `CHECKOUT_BACKEND=aws npm start`: the same local gateway and handlers, on the AWS adapters
 * (DynamoDB, Secrets Manager, …) at AWS_ENDPOINT_URL, e.g. a moto server.
 */
export async function startLocalAws({ port = 3000, host = '127.0.0.1', env = process.env, clock, bootstrap = false }: LocalAwsOptions = {}): Promise<LocalAwsRuntime> {
  const booted = bootstrap ? await bootstrapAws(env) : undefined;
  const portsEnv = { ...env, ...booted?.env };
  const ports = { ...awsPorts(portsEnv), ...(clock ? { clock } : {}) };
  setPorts(ports);
  return { ...(await listenGateway(port, host)), ports, credentials: booted?.credentials, env: portsEnv };
}
