import { fork } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import type { BundlePair } from './bundle-size';
import { firstRequest, type Seed } from './first-requests';
import { median, round } from './stats';

/**
 * init_ms: fresh Node processes each import one bundle and serve its first request against moto
 * (a cold-start proxy: the runtime's own bootstrap is the same for ours and the floor, so it is
 * left out). Ours and the floor alternate, so a busy moment of the shared machine hits both.
 */

export interface ColdStart {
  /** Import of the bundle plus the first request, ms (median). */
  init_ms: number;
  /** Import (module evaluation) alone, ms (median). */
  load_ms: number;
  /** CPU time of the import and the first request, ms (median). */
  cpu_ms: number;
  /** Peak resident set after the first request, MB (the largest sample). */
  max_rss_mb: number;
  status: number;
}

interface Sample {
  load_ms: number;
  total_ms: number;
  cpu_ms: number;
  max_rss_mb: number;
  status: number;
}

async function coldStart(file: string, event: unknown, env: Record<string, string>): Promise<Sample> {
  // Its logs are the function's business (a webhook given up, …); they are shown only if it fails.
  const child = fork(join(__dirname, 'cold-start-child.mjs'), [file, JSON.stringify(event)], {
    env,
    execArgv: ['--enable-source-maps'],
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const message = once(child, 'message');
  const [code] = (await once(child, 'exit')) as [number | null];
  if (code !== 0) throw new Error(`cold start of ${file} exited with ${code}:\n${stderr.slice(-4000)}`);
  const [sample] = await message;
  return sample as Sample;
}

function summarise(samples: Sample[]): ColdStart {
  return {
    init_ms: round(median(samples.map((s) => s.total_ms))),
    load_ms: round(median(samples.map((s) => s.load_ms))),
    cpu_ms: round(median(samples.map((s) => s.cpu_ms))),
    max_rss_mb: round(Math.max(...samples.map((s) => s.max_rss_mb))),
    status: samples[samples.length - 1]!.status,
  };
}

export async function coldStarts(pairs: BundlePair[], seed: Seed, env: Record<string, string>, rounds: number): Promise<Map<string, { ours: ColdStart; floor: ColdStart }>> {
  // The Lambda environment: what the CDK app sets, the function's name, the log level it ships with.
  const lambdaEnv = (id: string) => ({ PATH: process.env.PATH ?? '', ...env, AWS_LAMBDA_FUNCTION_NAME: id, AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512', NODE_OPTIONS: '', // Lambda runs Node 22: the SDK's warning for this machine's Node 20 would be noise.
    NODE_NO_WARNINGS: '1' });
  const results = new Map<string, { ours: Sample[]; floor: Sample[] }>();
  for (let round = 0; round < rounds; round++) {
    for (const { fn, ours, floor } of pairs) {
      const samples = results.get(fn.id) ?? { ours: [], floor: [] };
      results.set(fn.id, samples);
      samples.ours.push(await coldStart(ours.file, firstRequest(fn.id, seed), lambdaEnv(fn.id)));
      samples.floor.push(await coldStart(floor.file, firstRequest(fn.id, seed), lambdaEnv(fn.id)));
    }
  }
  return new Map([...results].map(([id, s]) => [id, { ours: summarise(s.ours), floor: summarise(s.floor) }]));
}
