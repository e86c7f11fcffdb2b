import { build, type Metafile } from 'esbuild';
import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { esbuildOptions } from '../lib/constructs/lambda-bundling';
import type { Needs } from '../functions/config/needs';
import { floorSource, FUNCTIONS, ROOT, type LambdaFunction } from './functions';
import { round } from './stats';

/**
 * bundle_kb: every Lambda bundled with the construct's own esbuild settings, against a floor
 * bundled the same way: a handler that only creates the SDK clients the function is granted.
 */

export interface Bundle {
  file: string;
  /** KB rounded for the table; `bytes` for a goal, which rounding must not decide. */
  kb: number;
  bytes: number;
  /** The largest packages in the output (what dominates), in KB. */
  top: Array<[string, number]>;
}

export interface BundlePair {
  fn: LambdaFunction;
  ours: Bundle;
  floor: Bundle;
}

/** node_modules/@scope/name/… → @scope/name; our own files → their folder under functions/. */
function owner(input: string): string {
  const match = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(input);
  if (match) return match[1]!;
  const own = /^functions\/([^/]+)/.exec(input);
  return own ? `functions/${own[1]}` : input;
}

function summarise(file: string, metafile: Metafile): Bundle {
  const output = Object.entries(metafile.outputs).find(([name]) => name.endsWith('.mjs'))![1];
  const byOwner = new Map<string, number>();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) byOwner.set(owner(input), (byOwner.get(owner(input)) ?? 0) + bytesInOutput);
  const top = [...byOwner.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([name, bytes]) => [name, round(bytes / 1024)] as [string, number]);
  const bytes = statSync(file).size;
  return { file, kb: round(bytes / 1024), bytes, top };
}

async function bundle(outdir: string, entry: string | { contents: string }, needs: Needs, overrides = {}): Promise<Bundle> {
  mkdirSync(outdir, { recursive: true });
  const outfile = join(outdir, 'index.mjs');
  const options =
    typeof entry === 'string'
      ? esbuildOptions(entry, outfile, { metafile: true, absWorkingDir: ROOT, ...overrides })
        : esbuildOptions('', outfile, { entryPoints: undefined, stdin: { contents: entry.contents, resolveDir: ROOT, loader: 'ts', sourcefile: 'floor.ts' }, metafile: true, absWorkingDir: ROOT, ...overrides });
  const result = await build(options);
  return summarise(outfile, result.metafile!);
}

/**
 * `sdkExternal`: NodejsFunction's default on nodejs22.x (`@aws-sdk/*` left to the runtime's copy),
 * for the comparison that decided `bundleAwsSDK: true`. `outdir` must then be inside the project,
 * so the bundles find the SDK in its node_modules as Lambda's would in /var/runtime.
 */
export async function bundleSizes(outdir: string, options: { sdkExternal?: boolean; only?: readonly string[] } = {}): Promise<BundlePair[]> {
  const overrides = options.sdkExternal ? { external: ['@aws-sdk/*'] } : {};
  return Promise.all(
    FUNCTIONS.filter((fn) => !options.only || options.only.includes(fn.id)).map(async (fn) => ({
      fn,
      ours: await bundle(join(outdir, 'ours', fn.id), fn.entry, fn.needs, overrides),
      floor: await bundle(join(outdir, 'floor', fn.id), { contents: floorSource(fn.needs, fn) }, fn.needs, overrides),
    })),
  );
}
