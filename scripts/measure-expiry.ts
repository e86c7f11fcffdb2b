/**
 * Measures the expiry sweep: seeds N sessions that all fall due in ONE minute bucket (a burst of
 * sessions created in the same minute: the hot-bucket case the sharding is for), then runs the
 * sweep as the every-minute Lambda would (60 s per invocation, the use case's 10 s reserve) until
 * the backlog is gone, and prints how long it took. Not part of `npm test`.
 *
 *   npx tsx scripts/measure-expiry.ts [--sessions 10000] [--backend embedded|moto|moto-tx|all]
 *                                     [--tx-sessions 500] [--page-size 100] [--concurrency 5]
 *
 * The moto run starts its own `python3 -m moto.server` on a free loopback port (or uses
 * MOTO_ENDPOINT) and writes session items in the shared table contract (test/fixtures/expiry-table.ts).
 * moto 5.2 deep-copies the whole table on every TransactWriteItems, so a transaction there costs
 * time in proportion to the table (seconds at 10 000 sessions): the `moto` run commits each expiry
 * as the conditional session Put plus the event Put in two requests, and `moto-tx` runs the real
 * transactional commit on --tx-sessions sessions (default 500) to show what transactions add.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { parseArgs } from 'node:util';
import { DynamoExpiryIndex } from '../functions/adapters/aws/dynamo-expiry-index';
import { expireDueSessions, type ExpireDuePorts, type SweepOptions } from '../functions/app/expire-due-sessions';
import { EXPIRY_SHARDS, expiryShard } from '../functions/domain/expiry';
import type { Session } from '../functions/domain/session';
import { embeddedPorts, makeSession } from '../test/fixtures/expiry-sessions';
import { ContractSessionRepository, createCheckoutTable, documentClient, seedSessions } from '../test/fixtures/expiry-table';

const BUCKET_START = new Date('2026-11-25T10:30:00.000Z');
const NOW = new Date('2026-11-25T10:33:00.000Z');
const LAMBDA_TIMEOUT_MS = 60_000;
const EMPTY_BUCKETS = 60;

const { values } = parseArgs({
  options: {
    sessions: { type: 'string', default: '10000' },
    backend: { type: 'string', default: 'all' },
    'page-size': { type: 'string', default: '100' },
    concurrency: { type: 'string', default: '5' },
    'tx-sessions': { type: 'string', default: '500' },
  },
});
const count = Number(values.sessions);
const tuning = { pageSize: Number(values['page-size']), concurrency: Number(values.concurrency) };

interface Measurement {
  backend: string;
  sessions: number;
  seedMs: number;
  sweepMs: number;
  invocations: number;
  perShard: string;
  emptyBucketMs: number;
}

function dueSessions(count: number): Session[] {
  // Spread over the 60 s of one minute: all due at NOW, all in the same bucket.
  return Array.from({ length: count }, (_, i) => makeSession(new Date(BUCKET_START.getTime() + Math.floor((i * 60_000) / count))));
}

function shardSpread(sessions: Session[]): string {
  const perShard = new Array<number>(EXPIRY_SHARDS).fill(0);
  for (const session of sessions) perShard[expiryShard(session.session_id)]!++;
  return `${Math.min(...perShard)}–${Math.max(...perShard)}`;
}

/** Runs Lambda-sized invocations until the backlog is gone; checks every session ended expired. */
async function sweepAll(ports: ExpireDuePorts, sessions: Session[], lookbackMs: number): Promise<{ sweepMs: number; invocations: number }> {
  const started = performance.now();
  let invocations = 0;
  let expired = 0;
  for (;;) {
    invocations++;
    const deadline = Date.now() + LAMBDA_TIMEOUT_MS;
    const options: SweepOptions = { remainingMs: () => deadline - Date.now(), firstRunLookbackMs: lookbackMs, ...tuning };
    const report = await expireDueSessions(ports, options);
    if (report.failed > 0) throw new Error(`sweep failed: ${JSON.stringify(report.errors.slice(0, 3))}`);
    expired += report.expired;
    if (report.finished) break;
  }
  const sweepMs = performance.now() - started;
  if (expired !== sessions.length) throw new Error(`expired ${expired} of ${sessions.length}`);
  for (const session of [sessions[0]!, sessions[sessions.length - 1]!]) {
    const stored = await ports.sessions.get(session.session_id);
    if (stored?.state !== 'expired') throw new Error(`session ${session.session_id} is ${stored?.state}`);
  }
  return { sweepMs, invocations };
}

/** Cost of sweeping buckets with nothing in them (a checkpoint that fell behind, or the first run). */
async function emptyBucketCost(ports: ExpireDuePorts): Promise<number> {
  const started = performance.now();
  const report = await expireDueSessions(ports, { remainingMs: () => LAMBDA_TIMEOUT_MS, ...tuning });
  return (performance.now() - started) / report.bucketsSwept;
}

async function measureEmbedded(): Promise<Measurement> {
  const ports = embeddedPorts(NOW);
  const sessions = dueSessions(count);
  const seedStart = performance.now();
  for (const session of sessions) await ports.sessions.create(session, []);
  const seedMs = performance.now() - seedStart;
  const sweep = await sweepAll(ports, sessions, NOW.getTime() - BUCKET_START.getTime());
  const outbox = ports.sessions.outbox.filter((e) => e.type === 'expired').length;
  if (outbox !== sessions.length) throw new Error(`outbox has ${outbox} expired events`);
  ports.clock.advance(EMPTY_BUCKETS * 60_000);
  return { backend: 'embedded', sessions: sessions.length, seedMs, ...sweep, perShard: shardSpread(sessions), emptyBucketMs: await emptyBucketCost(ports) };
}

async function measureMoto(transactional: boolean, count: number): Promise<Measurement> {
  let moto: ChildProcess | undefined;
  let endpoint = process.env.MOTO_ENDPOINT;
  if (!endpoint) ({ moto, endpoint } = await startMoto());
  Object.assign(process.env, { AWS_ENDPOINT_URL: endpoint, AWS_REGION: 'us-east-1', AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' });
  const client = documentClient();
  try {
    const table = 'checkout-measure-expiry';
    await createCheckoutTable(client, table);
    const sessions = dueSessions(count);
    const seedStart = performance.now();
    await seedSessions(client, table, sessions);
    const seedMs = performance.now() - seedStart;
    const index = new DynamoExpiryIndex(client, table);
    const ports: ExpireDuePorts = { ...embeddedPorts(NOW), sessions: new ContractSessionRepository(client, table, { transactional }), expiry: index };
    const sweep = await sweepAll(ports, sessions, NOW.getTime() - BUCKET_START.getTime());
    const later = { ...ports, clock: { now: () => new Date(NOW.getTime() + EMPTY_BUCKETS * 60_000) } };
    return { backend: transactional ? 'moto-tx' : 'moto', sessions: count, seedMs, ...sweep, perShard: shardSpread(sessions), emptyBucketMs: await emptyBucketCost(later) };
  } finally {
    client.destroy();
    moto?.kill();
  }
}

async function startMoto(): Promise<{ moto: ChildProcess; endpoint: string }> {
  const port = await new Promise<number>((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
  const moto = spawn('python3', ['-m', 'moto.server', '-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 150; i++) {
    if (await fetch(`${endpoint}/moto-api/`).then((r) => r.ok, () => false)) return { moto, endpoint };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  moto.kill();
  throw new Error('moto server did not start');
}

function row(m: Measurement): string {
  const rate = Math.round((m.sessions / m.sweepMs) * 1000);
  return `| ${m.backend} | ${m.sessions} | ${m.perShard} | ${(m.seedMs / 1000).toFixed(2)} s | ${(m.sweepMs / 1000).toFixed(2)} s | ${m.invocations} | ${rate}/s | ${m.emptyBucketMs.toFixed(1)} ms |`;
}

async function main(): Promise<void> {
  const backends = values.backend === 'all' ? ['embedded', 'moto', 'moto-tx'] : [values.backend!];
  const txCount = Number(values['tx-sessions']);
  const results: Measurement[] = [];
  for (const backend of backends) {
    process.stderr.write(`measuring ${backend} (page ${tuning.pageSize}, ${tuning.concurrency} per shard)…\n`);
    if (backend === 'embedded') results.push(await measureEmbedded());
    else if (backend === 'moto') results.push(await measureMoto(false, count));
    else if (backend === 'moto-tx') results.push(await measureMoto(true, txCount));
    else throw new Error(`unknown backend ${backend}`);
  }
  console.log(`node ${process.version}, ${new Date().toISOString()}, pageSize ${tuning.pageSize}, concurrency ${tuning.concurrency} per shard (${tuning.concurrency * EXPIRY_SHARDS} in flight)`);
  console.log('| store | due sessions | per shard | seed | sweep | invocations | expired/s | per empty bucket |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const result of results) console.log(row(result));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
