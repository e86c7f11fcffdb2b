import { appendFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chaosPolicy, parseChaos } from '../../functions/local/cloud/chaos';
import { startLocalCloud, type LocalCloud } from '../../functions/local/cloud/local-cloud';
import { startMoto, type Moto } from '../../test/fixtures/moto-server';
import { synthStage } from '../../test/infra/synth-app';

/**
 * The stage `npm run load` drives when given no URL, and the chaos test's: moto on a free port
 * (or MOTO_ENDPOINT), the dev stage synthesized with its bundles (or an existing cloud assembly),
 * run by the local cloud with the schedule at `sweepEveryMs`, queue waits shortened by
 * `timeScale`, and the chaos switch when asked. Functions' logs go to a file, not the terminal.
 */
export interface LocalStageOptions {
  /** An existing cloud assembly (cdk.out of `cdk synth -c stage=dev` with bundles). */
  assemblyDir?: string;
  sweepEveryMs: number;
  /** CHECKOUT_LOCAL_DELAY_SCALE for the functions and the queues' visibility timeouts. */
  timeScale: number;
  chaos?: string;
  /** The demo merchant's credentials (CHECKOUT_DEMO_*). */
  seed: { CHECKOUT_DEMO_API_KEY: string; CHECKOUT_DEMO_BASIC: string; CHECKOUT_DEMO_WEBHOOK_KEY: string };
  logFile: string;
  /** Execution environments per function (default 4). */
  maxEnvironments?: number;
  /** The functions' POWERTOOLS_LOG_LEVEL (default ERROR: a load run's log stays small). */
  logLevel?: 'INFO' | 'WARN' | 'ERROR';
}

export interface LocalStage {
  cloud: LocalCloud;
  kills?: Map<string, number>;
  close(): Promise<void>;
}

export async function startLocalStage(options: LocalStageOptions): Promise<LocalStage> {
  let moto: Moto | undefined;
  const endpoint = process.env.MOTO_ENDPOINT || (moto = await startMoto()).endpoint;
  let outdir = options.assemblyDir;
  let synthesized: string | undefined;
  if (!outdir || !existsSync(join(outdir, 'manifest.json'))) {
    synthesized = outdir = mkdtempSync(join(tmpdir(), 'checkout-load-assembly-'));
    synthStage('dev', { bundle: true, outdir });
  }
  // This run's log only.
  writeFileSync(options.logFile, '');
  const policy = options.chaos ? chaosPolicy(parseChaos(options.chaos)) : undefined;
  try {
    const cloud = await startLocalCloud({
      assemblyDir: outdir,
      stage: 'dev',
      target: { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'load', secretAccessKey: 'load' } },
      namePrefix: `load-${Date.now().toString(36)}`,
      seed: options.seed,
      emulatorEnv: { CHECKOUT_ALLOW_LOOPBACK_WEBHOOKS: '1', CHECKOUT_LOCAL_DELAY_SCALE: String(options.timeScale), POWERTOOLS_LOG_LEVEL: options.logLevel ?? 'ERROR' },
      scheduleIntervalMs: options.sweepEveryMs,
      queueTimeScale: options.timeScale,
      chaos: policy,
      maxEnvironments: options.maxEnvironments,
      log: (line) => void appendFileSync(options.logFile, line),
    });
    return {
      cloud,
      kills: policy?.kills,
      close: async () => {
        await cloud.close();
        await moto?.stop();
        if (synthesized) rmSync(synthesized, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await moto?.stop();
    if (synthesized) rmSync(synthesized, { recursive: true, force: true });
    throw error;
  }
}
