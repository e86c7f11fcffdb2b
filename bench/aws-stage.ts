import { bootstrapAws } from '../functions/local/aws-bootstrap';
import { useEnvironment } from '../functions/config/env';
import { startCallCounter, type CallCounter } from './call-counter';
import { startMoto, type Moto } from '../test/fixtures/moto-server';

/**
 * The AWS side of the bench: its own moto server behind the call counter, the stateful stack's
 * resources and the demo merchant created as `CHECKOUT_BOOTSTRAP=1` does, and this process's
 * ports on the AWS adapters (its SDK clients reach moto through the counter).
 */

export const BENCH_API_KEY = 'bench.0123456789abcdefghijklmnop';

export interface AwsStage {
  moto: Moto;
  counter: CallCounter;
  /** What a Lambda of the app gets (CHECKOUT_BACKEND=aws, table, queues, …), aimed at the counter. */
  lambdaEnv: Record<string, string>;
  close(): Promise<void>;
}

export async function startAwsStage(): Promise<AwsStage> {
  const moto = await startMoto();
  const counter = await startCallCounter(moto.endpoint);
  const sdkEnv = moto.env(counter.url);
  // Before any client of this process exists: they read the endpoint when created.
  Object.assign(process.env, sdkEnv);
  const booted = await bootstrapAws({ ...sdkEnv, CHECKOUT_STAGE: 'bench', CHECKOUT_DEMO_API_KEY: BENCH_API_KEY });
  const lambdaEnv = {
    ...sdkEnv,
    ...booted.env,
    CHECKOUT_PUBLIC_URL: 'https://bench.local',
    POWERTOOLS_SERVICE_NAME: 'checkout-api',
    POWERTOOLS_LOG_LEVEL: 'INFO',
  };
  // This process serves as the Lambdas do: their settings come from this environment.
  Object.assign(process.env, lambdaEnv);
  useEnvironment(process.env);
  await counter.take();
  return {
    moto,
    counter,
    lambdaEnv,
    close: async () => {
      await counter.close();
      await moto.stop();
    },
  };
}
