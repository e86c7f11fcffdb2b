import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { App } from 'aws-cdk-lib';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createDocumentClient } from '../functions/adapters/aws/aws-clients';
import { DynamoConfigStore } from '../functions/adapters/aws/dynamo-config-store';
import { environment, setting } from '../functions/config/env';
import { chaosPolicy, parseChaos } from '../functions/local/cloud/chaos';
import { startLocalCloud, type LocalCloud } from '../functions/local/cloud/local-cloud';
import { DEMO_MERCHANT } from '../functions/local/mpgs/demo-merchant';
import { startLocalMpgs, type LocalMpgs } from '../functions/local/mpgs/local-mpgs';
import type { OnRequest } from '../functions/local/local-gateway';
import { clientConfig, type AwsTarget } from '../functions/local/cloud/provision';
import { addCheckoutStacks } from '../lib/checkout-app';
import { stageConfig } from '../lib/stage-config';

const ROOT = resolve(__dirname, '..');

/**
 * `CHECKOUT_BACKEND=aws CHECKOUT_BOOTSTRAP=1 npm start`: the dev stage as `cdk synth -c stage=dev`
 * builds it (bundles included), run by the local cloud against the emulator at AWS_ENDPOINT_URL.
 * CHECKOUT_ASSEMBLY names an existing cloud assembly (a cdk.out) to run instead of synthesizing.
 */
export async function startCloudFromEnv(
  port: number,
  host: string,
  onRequest?: OnRequest,
  localMpgs?: { port: number },
  log?: (text: string) => void,
): Promise<LocalCloud & { config: DynamoConfigStore; mpgs?: LocalMpgs }> {
  const env = environment();
  const endpoint = setting('AWS_ENDPOINT_URL');
  if (!endpoint) throw new Error('CHECKOUT_BOOTSTRAP=1 runs the synthesized stage on an emulator: set AWS_ENDPOINT_URL (python3 -m moto.server -p 5000).');
  const target: AwsTarget = {
    endpoint,
    region: env.AWS_REGION || env.AWS_DEFAULT_REGION || 'us-east-1',
    credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID || 'local', secretAccessKey: env.AWS_SECRET_ACCESS_KEY || 'local' },
  };
  const stage = 'dev';
  const assemblyDir = setting('CHECKOUT_ASSEMBLY') ?? synthesize(stage);
  // Emulator-only settings: passed to the emulated functions, never part of the template.
  const emulatorEnv: Record<string, string> = { POWERTOOLS_LOG_LEVEL: env.POWERTOOLS_LOG_LEVEL || 'WARN' };
  for (const name of ['CHECKOUT_ALLOW_LOOPBACK_WEBHOOKS', 'CHECKOUT_LOCAL_DELAY_SCALE'] as const) {
    const value = env[name];
    if (value) emulatorEnv[name] = value;
  }
  // The local MPGS beside the stage: the emulated functions reach it over loopback, as they would the real one.
  const mpgs = localMpgs ? await startLocalMpgs({ port: localMpgs.port, host, merchants: [DEMO_MERCHANT] }) : undefined;
  const chaos = setting('CHECKOUT_LOCAL_CHAOS');
  if (chaos) console.log(`CHECKOUT_LOCAL_CHAOS=${chaos}: function processes are killed at random mid-invocation`);
  const cloud = await startLocalCloud({
    chaos: chaos ? chaosPolicy(parseChaos(chaos)) : undefined,
    assemblyDir,
    stage,
    target,
    port,
    host,
    emulatorEnv,
    scheduleIntervalMs: setting('CHECKOUT_EXPIRY_INTERVAL_MS'),
    onRequest,
    ...(log && { log }),
    seed: { CHECKOUT_DEMO_API_KEY: env.CHECKOUT_DEMO_API_KEY, CHECKOUT_DEMO_BASIC: env.CHECKOUT_DEMO_BASIC, CHECKOUT_DEMO_WEBHOOK_KEY: env.CHECKOUT_DEMO_WEBHOOK_KEY },
    mpgs: mpgs && { host: mpgs.url, merchantId: DEMO_MERCHANT.id, secrets: { api_password: DEMO_MERCHANT.password, notification_secret: DEMO_MERCHANT.notificationSecret } },
  });
  const config = new DynamoConfigStore(createDocumentClient(new DynamoDBClient(clientConfig(target))), cloud.tableName);
  return {
    ...cloud,
    config,
    mpgs,
    close: async () => {
      await cloud.close();
      await mpgs?.stop();
    },
  };
}

/** `cdk synth -c stage=…` in-process (with cdk.json's context), into cdk.out.local/. */
function synthesize(stage: string): string {
  const outdir = join(ROOT, 'cdk.out.local');
  const context = (JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;
  console.log(`Synthesizing the ${stage} stage with its bundles into ${outdir} …`);
  const app = new App({ outdir, context: { ...context, stage, 'aws:cdk:enable-asset-metadata': true } });
  addCheckoutStacks(app, stageConfig(stage));
  app.synth();
  if (!existsSync(join(outdir, 'manifest.json'))) throw new Error(`synthesis wrote no cloud assembly to ${outdir}`);
  return outdir;
}
