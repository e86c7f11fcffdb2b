import { EXPIRY_SHARDS } from '../functions/domain/expiry';
import { SWEEP_PAGE_SIZE } from '../functions/app/expire-due-sessions';
import { SHARD_CONCURRENCY } from '../functions/handlers/schedule/expire-sessions';
import { functionMemoryMb, stageConfig } from '../lib/stage-config';
import { LATENCY_MS } from './cost-model';
import { round } from './stats';

/**
 * The expiry sweep at scale, from this run's measured figures: how many due sessions a second it
 * sustains with 1…10 parallel workers, and the expiry lag (from `expires_at` to the `expired`
 * event's commit) at a given load, by simulating the every-minute runs. The sweep itself cannot
 * be timed at AWS's speed here (moto is one Python process, 50–100× slower than DynamoDB), so
 * each session costs what the bench measured for it: the sweep's CPU per expired session and per
 * closed one it reads again (`aws_calls.expire`, `aws_calls.sweep_paid`), and per index page its
 * Query, slowed below a full vCPU as Lambda gives CPU by memory; and its calls' documented
 * in-region latency: an expiry's write shared by the sessions in flight, a page's Query and
 * BatchGetItem by its 100 entries. docs/capacity.md and docs/expiry.md use these figures.
 */

export interface SweepCosts {
  /** CPU per expired session at a full vCPU (its share of its page's read, and its write), ms. */
  expireCpuMs: number;
  /** CPU per read of a session found closed (paid, or already expired, while its bucket settles), ms. */
  visitCpuMs: number;
  /** Reads per session over the runs that list it (a bucket is read until it settles). */
  visitsPerSession: number;
  /** CPU per index Query at a full vCPU, ms: one per page of entries. */
  queryCpuMs: number;
}

export interface SweepShape {
  /** Parallel invocations per run; each sweeps EXPIRY_SHARDS / workers of the shards. */
  workers: number;
  /** Sessions one invocation has in flight. */
  inFlight: number;
  /** Work per run: the timeout less the reserve kept for pages in flight, ms. */
  budgetMs: number;
  memoryMb: number;
}

export interface Load {
  createdPerSecond: number;
  /** The share of sessions left to expire unpaid (the rest are paid before their expiry). */
  expiringShare: number;
}

const PERIOD_MS = 60_000;
const FULL_VCPU_MB = 1769;
/** An expired session's conditional PutItem, shared with the others in flight. */
const EXPIRE_WAIT_MS = LATENCY_MS.dynamodb;
/** Each index entry's share of its page's Query and then its BatchGetItem. */
const PAGE_WAIT_MS = (2 * LATENCY_MS.dynamodb) / SWEEP_PAGE_SIZE;

const cpuAt = (cpuMs: number, memoryMb: number) => cpuMs * Math.max(1, FULL_VCPU_MB / memoryMb);

/**
 * One listed session's share of an invocation's time: its CPU with its share of the page's Query,
 * or its own wait shared with the others in flight, whichever is longer; then its share of the
 * page's waits (a page is read before its sessions are handled).
 */
function entryMs(costs: SweepCosts, cpuMs: number, waitMs: number, shape: SweepShape): number {
  return Math.max(cpuAt(cpuMs + costs.queryCpuMs / SWEEP_PAGE_SIZE, shape.memoryMb), waitMs / shape.inFlight) + PAGE_WAIT_MS;
}

/** Time per expired session and per read of a closed one, in one invocation of `shape`. */
function perEntry(costs: SweepCosts, shape: SweepShape): { expireMs: number; visitMs: number } {
  return { expireMs: entryMs(costs, costs.expireCpuMs, EXPIRE_WAIT_MS, shape), visitMs: entryMs(costs, costs.visitCpuMs, 0, shape) };
}

/** The expiry shards the 10 000-a-second plan asks for (docs/capacity.md, "The expiry sweep"). */
export const PLANNED_SHARDS_AT_10000 = 64;

/** Today's shape (the fan-out): one invocation per shard, 25 in flight, a minute's timeout less 10 s. */
export function fannedOut(workers = EXPIRY_SHARDS): SweepShape {
  const prod = stageConfig('prod');
  return { workers, inFlight: SHARD_CONCURRENCY, budgetMs: prod.capacity.expiryTimeout.toMilliseconds() - 10_000, memoryMb: functionMemoryMb(prod, 'ExpireSessions', 'worker') };
}

/** The sweep before the fan-out: one invocation for every shard (5 each, 50 in flight), a 30 s timeout less 10 s. */
export function singleSweep(): SweepShape {
  return { workers: 1, inFlight: 50, budgetMs: 20_000, memoryMb: functionMemoryMb(stageConfig('prod'), 'ExpireSessions', 'worker') };
}

/** Due sessions a second the sweep keeps up with at `load`'s paid/expired mix (the most before its backlog grows). */
export function sustainedPerSecond(costs: SweepCosts, shape: SweepShape, load: Pick<Load, 'expiringShare'>): number {
  // Per expiring session: its expiry, its re-reads while the bucket settles, and the paid
  // sessions' reads that come with it at this mix.
  const paidPerExpiring = (1 - load.expiringShare) / load.expiringShare;
  const { expireMs, visitMs } = perEntry(costs, shape);
  const perExpiring = expireMs + (costs.visitsPerSession - 1) * visitMs + paidPerExpiring * costs.visitsPerSession * visitMs;
  return round((shape.workers * (shape.budgetMs / PERIOD_MS) * 1000) / perExpiring, 0);
}

export interface LagFigures {
  p50_s: number;
  p99_s: number;
  max_s: number;
  /** Sessions still waiting at the end of the simulated window (a growing backlog when > 0 at steady load). */
  backlog: number;
  sustained_per_s: number;
}

/**
 * The every-minute runs over `minutes` of steady load, for one worker (they are alike): each run
 * starts at a minute boundary, takes the due sessions oldest first, and pays for the closed ones
 * it reads (spread over the run, as its buckets are swept at once) until its budget is spent; the
 * rest waits for the next run. Lag = when the run reaches a session − its `expires_at`.
 */
export function expiryLag(costs: SweepCosts, shape: SweepShape, load: Load, minutes = 20): LagFigures {
  const expiringPerMs = (load.createdPerSecond * load.expiringShare) / shape.workers / 1000;
  const closedVisitsPerMs = ((load.createdPerSecond * (1 - load.expiringShare) * costs.visitsPerSession + load.createdPerSecond * load.expiringShare * (costs.visitsPerSession - 1)) / shape.workers) / 1000;
  const { expireMs, visitMs } = perEntry(costs, shape);
  // The closed reads a run does, as a share of its time: they come with every minute's entries.
  const closedPerRunMs = closedVisitsPerMs * PERIOD_MS * visitMs;
  const lags: number[] = [];
  let pending: number[] = [];
  let nextDue = 0;
  const spacing = 1 / expiringPerMs;
  for (let run = 1; run <= minutes; run++) {
    const start = run * PERIOD_MS;
    for (; nextDue <= start; nextDue += spacing) pending.push(nextDue);
    const expiringWork = pending.length * expireMs;
    // The run's closed reads slow its progress through the due ones in proportion.
    const slowdown = (expiringWork + closedPerRunMs) / Math.max(expiringWork, 1e-9);
    let elapsed = 0;
    let done = 0;
    for (const dueAt of pending) {
      const step = expireMs * slowdown;
      if (elapsed + step > shape.budgetMs) break;
      elapsed += step;
      done++;
      if (run > 3) lags.push(start + elapsed - dueAt);
    }
    pending = pending.slice(done);
  }
  lags.sort((a, b) => a - b);
  const at = (q: number) => (lags.length ? lags[Math.min(lags.length - 1, Math.floor(q * lags.length))]! : NaN);
  return { p50_s: round(at(0.5) / 1000, 1), p99_s: round(at(0.99) / 1000, 1), max_s: round(at(1) / 1000, 1), backlog: pending.length, sustained_per_s: sustainedPerSecond(costs, shape, load) };
}
