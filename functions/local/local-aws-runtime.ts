import { dynamoConfig } from '../adapters/aws/dynamo-config-store';
import { environment, useEnvironment } from '../config/env';
import type { ConfigStore } from '../ports';
import type { ActivityLog } from './activity-log';
import { bootstrapAws } from './aws-bootstrap';
import { embeddedOnlyPages } from './aws-mode';
import type { DemoCredentials } from './demo-config';
import type { HandlerFor } from './local-gateway';
import { listenGateway, type LocalRuntime } from './local-runtime';

export interface LocalAwsRuntime extends Pick<LocalRuntime, 'url' | 'server' | 'close'> {
  /** The stored merchant configuration (for the banner). */
  config: ConfigStore;
  /** Known only when this start seeded the demo configuration (stored ones are hashed). */
  credentials?: DemoCredentials;
  /** The environment the handlers were built from (bootstrap's names included). */
  env: Record<string, string | undefined>;
}

export interface LocalAwsOptions {
  port?: number;
  host?: string;
  env?: Record<string, string | undefined>;
  /** Create the table, bucket, queues and secret first and seed the demo merchant (CHECKOUT_BOOTSTRAP=1). */
  bootstrap?: boolean;
  /** Where each request is reported (npm start prints one line each). */
  activity?: ActivityLog;
}

/**
 * `CHECKOUT_BACKEND=aws npm start`: the same local gateway, serving each route with the handler
 * its Lambda would build (`build`: the AWS adapter factories), against AWS_ENDPOINT_URL (moto).
 */
export async function startLocalAws({ port = 3000, host = '127.0.0.1', env = environment(), bootstrap = false, activity }: LocalAwsOptions = {}): Promise<LocalAwsRuntime> {
  const booted = bootstrap ? await bootstrapAws(env) : undefined;
  const handlersEnv = { ...env, ...booted?.env };
  useEnvironment(handlersEnv);
  const built: HandlerFor = (module) => module.build();
  return { ...(await listenGateway(port, host, built, embeddedOnlyPages({ outbox: false }), activity && ((record) => activity.request(record)))), config: dynamoConfig(), credentials: booted?.credentials, env: handlersEnv };
}
