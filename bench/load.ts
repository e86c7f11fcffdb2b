import './quiet-logs';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { readSecretOption, secretOptions } from '../scripts/secret-option';
import { runLoad, type LoadOptions } from './load/driver';
import { startLocalStage, type LocalStage } from './load/local-stage';
import { html, summarize, table } from './load/report';

/**
 * `npm run load`: drives a stage with sessions at a steady rate and a mix of what merchants and
 * customers do, prints a progress line while it runs, then the figures; writes them as JSON (its
 * last line on stdout too, as the bench does) and a self-contained HTML report.
 *
 *   npm run load                                     the local cloud: moto + the synthesized dev stage
 *   npm run load -- --rate 20 --duration 120         sessions/s, seconds of creating
 *   npm run load -- --paid 0.4 --refund 0.1 --retrieves 2 --page-only 0.2 --order-no 0.2
 *   npm run load -- --max-in-flight 50               sessions in flight at most (a slower stage gets a lower rate)
 *
 * The defaults (4 sessions a second for 30 s, 20 in flight) finish in about four minutes on a
 * 2-core laptop against the local cloud, synthesis included; the local cloud (moto, one Python
 * process, and a Node process per function environment) runs out of CPU well before AWS would.
 *   npm run load -- --chaos                          kill pipeline workers at random (seeded)
 *   npm run load -- --chaos 'kill=0.2,seed=3,functions=DeliverWebhook'
 *   npm run load -- --url https://… --key-file <path>  [--webhook-key-file <path>] [--webhook-url https://…]
 *     (or --key-stdin / CHECKOUT_API_KEY, --webhook-key-stdin / CHECKOUT_WEBHOOK_KEY: never a secret on argv)
 *
 * A deployed stage's webhooks reach this machine's receiver only with --webhook-url (a public
 * tunnel to it); without it the webhook figures cover what arrived, if anything.
 */
/** `--chaos` alone: a twentieth of the pipeline workers' invocations killed. */
const DEFAULT_CHAOS = 'kill=0.05,seed=1,functions=RouteEvents+DeliverWebhook+ExpireSessions';
const argv = process.argv.slice(2);
// `--chaos` without a value takes the default.
const bare = argv.findIndex((arg, i) => arg === '--chaos' && (argv[i + 1] === undefined || argv[i + 1]!.startsWith('--')));
if (bare >= 0) argv[bare] = `--chaos=${DEFAULT_CHAOS}`;
const { values } = parseArgs({
  args: argv,
  options: {
    url: { type: 'string' },
    ...secretOptions('key'),
    ...secretOptions('webhook-key'),
    'webhook-url': { type: 'string' },
    rate: { type: 'string', default: '4' },
    duration: { type: 'string', default: '30' },
    paid: { type: 'string', default: '0.4' },
    refund: { type: 'string', default: '0.1' },
    retrieves: { type: 'string', default: '2' },
    'page-only': { type: 'string', default: '0.2' },
    'order-no': { type: 'string', default: '0.2' },
    'max-in-flight': { type: 'string', default: '20' },
    expiration: { type: 'string', default: '00:00:20' },
    'sweep-every': { type: 'string', default: '10' },
    seed: { type: 'string', default: '1' },
    chaos: { type: 'string' },
    drain: { type: 'string', default: '120' },
    out: { type: 'string', default: 'load-report' },
    assembly: { type: 'string' },
  },
  allowNegative: false,
});

const DEMO = { CHECKOUT_DEMO_API_KEY: 'load.0123456789abcdefghijklmnop', CHECKOUT_DEMO_BASIC: 'clerk:clerk-password', CHECKOUT_DEMO_WEBHOOK_KEY: 'load-webhook-key' };

function number(name: keyof typeof values): number {
  const value = Number(values[name]);
  if (!Number.isFinite(value) || value < 0) throw new Error(`--${name} must be a non-negative number`);
  return value;
}

async function main(): Promise<void> {
  const chaos = values.chaos;
  let stage: LocalStage | undefined;
  let target: { baseUrl: string; apiKey: string; webhookKey?: string; name: string };
  if (values.url) {
    const apiKey = await readSecretOption(values, 'key', 'CHECKOUT_API_KEY');
    if (!apiKey) throw new Error('--url needs the merchant API key: --key-file, --key-stdin or CHECKOUT_API_KEY');
    if (chaos) throw new Error('--chaos kills local function processes: it needs the local cloud (no --url)');
    const webhookKey = await readSecretOption(values, 'webhook-key', 'CHECKOUT_WEBHOOK_KEY');
    target = { baseUrl: values.url.replace(/\/+$/, ''), apiKey, webhookKey, name: values.url };
  } else {
    const out = resolve(values.out!);
    mkdirSync(out, { recursive: true });
    console.log(`Starting moto and the local cloud (synthesizing the dev stage with its bundles: about a minute)…${chaos ? ` CHECKOUT_LOCAL_CHAOS=${chaos}` : ''}`);
    stage = await startLocalStage({ assemblyDir: values.assembly, sweepEveryMs: number('sweep-every') * 1000, timeScale: 0.05, chaos, seed: DEMO, logFile: join(out, 'functions.log') });
    target = { baseUrl: stage.cloud.url, apiKey: DEMO.CHECKOUT_DEMO_API_KEY, webhookKey: DEMO.CHECKOUT_DEMO_WEBHOOK_KEY, name: `the local cloud (${stage.cloud.url}, sweep every ${values['sweep-every']} s)` };
  }
  try {
    const options: LoadOptions = {
      baseUrl: target.baseUrl,
      apiKey: target.apiKey,
      webhookKey: target.webhookKey,
      webhookUrl: values['webhook-url'],
      rate: number('rate'),
      durationS: number('duration'),
      mix: { paid: number('paid'), refund: number('refund'), retrieves: Math.round(number('retrieves')), pageOnly: number('page-only'), orderNo: number('order-no') },
      maxInFlight: Math.max(1, Math.round(number('max-in-flight'))),
      expirationTime: values.expiration!,
      seed: number('seed'),
      drainTimeoutS: number('drain'),
      warmUp: true,
      onProgress: (line) => process.stdout.write(process.stdout.isTTY ? `\r${line.padEnd(140)}` : `${line}\n`),
    };
    const result = await runLoad(options);
    if (process.stdout.isTTY) process.stdout.write('\n');
    const summary = summarize(result, target.name, stage?.kills);
    const out = resolve(values.out!);
    mkdirSync(out, { recursive: true });
    const stamp = result.startedAt.replace(/[:.]/g, '-');
    writeFileSync(join(out, `load-${stamp}.json`), JSON.stringify({ summary, requests: result.requests, deliveries: result.deliveries, expected: result.expected, expiries: result.expiries }));
    writeFileSync(join(out, `load-${stamp}.html`), html(summary, result));
    console.log(table(summary));
    console.log(`Report: ${join(out, `load-${stamp}.html`)} (figures: load-${stamp}.json)`);
    console.log(JSON.stringify(summary));
    const failed = summary.webhooks.missing > 0 || summary.webhooks.bad_signatures > 0 || Object.values(summary.routes).some((r) => r['5xx'] - r['502'] - r.retried > 0);
    process.exitCode = failed ? 1 : 0;
  } finally {
    await stage?.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
