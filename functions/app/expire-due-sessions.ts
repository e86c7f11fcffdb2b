import type { Session } from '../domain/session';
import { isOpen } from '../domain/state-machine';
import { EXPIRY_SHARDS, expiryMinute, expiryPartitionKey, expirySortKey, isDueToExpire, nextMinute } from '../domain/expiry';
import type { Ports, SessionBatchReader, ShardCursors } from '../ports';
import type { SessionWritePorts } from './change-session';
import { tryExpire } from './expire-session';
import { inFlight } from './in-flight';

export interface SweepOptions {
  /** Real time left in this invocation (Lambda's context.getRemainingTimeInMillis). */
  remainingMs: () => number;
  /** No new page is started with less than this left, so the pages in flight can finish. */
  reserveMs?: number;
  /** Index entries read per query. */
  pageSize?: number;
  /** Sessions expired at once per shard (so up to EXPIRY_SHARDS times this in flight). */
  concurrency?: number;
  /** Where the very first sweep starts, before any bucket was ever marked swept. */
  firstRunLookbackMs?: number;
  /**
   * Sweep this shard only, with its own checkpoint (the schedule fans out one invocation per
   * shard, so the sweep's throughput grows with its parallel workers). Absent: every shard.
   */
  shard?: number;
}

export interface SweepReport {
  /** The merchant's "expire payment transactions" flag; when off the sweep does nothing. */
  enabled: boolean;
  /** Sessions this run moved to `expired`. */
  expired: number;
  /**
   * Listed as due but not expired by this run: found closed or deleted (the index keeps every
   * session), gone, or given a later expiry when re-read, or expired by another writer first.
   */
  skipped: number;
  /** Index reads or expiries that failed unexpectedly; their bucket is swept again next run. */
  failed: number;
  /** The first few failures: `where` names the session or the bucket shard. */
  errors: Array<{ where: string; error: unknown }>;
  bucketsSwept: number;
  /** The last minute bucket known to be drained (the checkpoint), if any. */
  sweptThrough?: string;
  /** False when the time budget ran out with work left; the next run continues from the checkpoint. */
  finished: boolean;
}

/** Index entries per Query: also the sessions of one BatchGetItem (DynamoDB's limit is 100 keys). */
export const SWEEP_PAGE_SIZE = 100;
const DEFAULTS = { reserveMs: 10_000, pageSize: SWEEP_PAGE_SIZE, concurrency: 5, firstRunLookbackMs: 24 * 60 * 60_000, shard: undefined };
type Settings = Required<Omit<SweepOptions, 'shard'>> & Pick<SweepOptions, 'shard'>;
/**
 * A bucket is only marked swept once it ended this long ago. A writer with a slightly slow clock
 * could still put a session into a just-ended bucket, and the GSI itself may lag the table; a
 * minute of margin covers both (the bucket is simply swept once more meanwhile).
 */
const SETTLE_MS = 60_000;
const MAX_REPORTED_ERRORS = 10;
/** Minute buckets swept concurrently (each queries all its shards at once). */
const BUCKETS_AT_ONCE = 3;

type BucketOutcome = 'drained' | 'incomplete' | 'out_of_time';
/** How a bucket's sweep ended, and the sort key through which each shard's sessions were all handled. */
type BucketResult = { outcome: BucketOutcome; done: ShardCursors };
type ShardResult = { outcome: BucketOutcome; done?: string };

/**
 * The expiry sweep (the EventBridge rule's Lambda, and the embedded runtime's timer): moves every
 * open session whose `expires_at` has passed to `expired`, bucket by bucket from the checkpoint to
 * the current minute. Work per run is bounded by the time left; what is not done is found again
 * next run, from the checkpoint, and expiring twice is impossible because each expiry is a
 * conditional write through the state table. The index also lists the sessions that closed before
 * their expiry (domain/expiry.ts expiryIndexKeys): each costs one read and is skipped.
 */
export type ExpireDuePorts = SessionWritePorts & Pick<Ports, 'config' | 'expiry'> & { sessions: SessionBatchReader };

export async function expireDueSessions(ports: ExpireDuePorts, options: SweepOptions): Promise<SweepReport> {
  const settings: Settings = { ...DEFAULTS, ...options };
  const { shard } = settings;
  if (shard !== undefined && !(Number.isInteger(shard) && shard >= 0 && shard < EXPIRY_SHARDS)) throw new RangeError(`no expiry shard ${shard} (0..${EXPIRY_SHARDS - 1})`);
  const report: SweepReport = { enabled: true, expired: 0, skipped: 0, failed: 0, errors: [], bucketsSwept: 0, finished: true };
  // Both reads at once: a run with expiry switched off wastes one small read, a run with it on
  // (the one that matters) waits one round trip instead of two.
  // A shard's first own run starts where the whole sweep stopped (the one-function sweep before
  // the fan-out), so switching to the fan-out neither skips nor re-reads a day of buckets.
  const reading = inFlight(
    shard === undefined ? ports.expiry.sweptThrough() : ports.expiry.sweptThrough(shard).then(async (own) => own ?? (await ports.expiry.sweptThrough())),
  );
  const config = await ports.config.load();
  if (!config.expire_transactions) return { ...report, enabled: false };

  const now = ports.clock.now();
  const current = expiryMinute(now);
  const settled = expiryMinute(new Date(now.getTime() - 60_000 - SETTLE_MS));
  const checkpoint = await reading;
  report.sweptThrough = checkpoint?.minute;
  let contiguous = true;
  // The checkpoint, or on the very first run the minute before the lookback starts.
  const start = checkpoint?.minute ?? expiryMinute(new Date(now.getTime() - settings.firstRunLookbackMs - 60_000));
  const first = nextMinute(start);
  /** Progress inside the bucket after report.sweptThrough, for the next run to resume from. */
  let within: ShardCursors | undefined;
  const minutes: string[] = [];
  for (let minute = first; minute <= current; minute = nextMinute(minute)) minutes.push(minute);
  sweep: for (let offset = 0; offset < minutes.length; offset += BUCKETS_AT_ONCE) {
    const window = minutes.slice(offset, offset + BUCKETS_AT_ONCE);
    // A few buckets at once: a run normally finds three unswept (the settling margin), and
    // their queries then wait one round trip instead of three. Earlier buckets ask for time
    // first; a bucket cut short keeps the checkpoint before it, and the next run sweeps it again
    // (a settled one from where each of its shards stopped).
    const results = await Promise.all(window.map((minute) => sweepBucket(ports, minute, minute === first ? checkpoint?.within : undefined, now, settings, report)));
    for (const [i, { outcome, done }] of results.entries()) {
      // The first settled bucket left unfinished keeps how far each shard got: the index keeps
      // closed sessions, so a bucket does not shrink as it is swept, and one too large for a run
      // must not be read from its start by every run. Not an unsettled bucket: a late entry may
      // still land before a cursor there, and it is read whole again anyway until it settles.
      if (contiguous && outcome !== 'drained' && window[i]! <= settled && Object.keys(done).length > 0) within = done;
      if (outcome === 'out_of_time') {
        report.finished = false;
        break sweep;
      }
      report.bucketsSwept++;
      // The checkpoint only covers an unbroken run of drained, settled buckets.
      contiguous &&= outcome === 'drained' && window[i]! <= settled;
      if (contiguous) report.sweptThrough = window[i];
    }
  }
  if (report.sweptThrough !== checkpoint?.minute || within) await ports.expiry.markSwept(report.sweptThrough ?? start, within, shard);
  return report;
}

async function sweepBucket(
  ports: ExpireDuePorts,
  minute: string,
  resume: ShardCursors | undefined,
  now: Date,
  settings: Settings,
  report: SweepReport,
): Promise<BucketResult> {
  const swept = settings.shard === undefined ? Array.from({ length: EXPIRY_SHARDS }, (_, shard) => shard) : [settings.shard];
  const shards = swept.map((shard) => sweepShard(ports, minute, shard, resume?.[shard], now, settings, report));
  const results = await Promise.all(shards);
  const done: ShardCursors = {};
  for (const [i, result] of results.entries()) if (result.done !== undefined) done[swept[i]!] = result.done;
  const outcomes = results.map((result) => result.outcome);
  if (outcomes.includes('out_of_time')) return { outcome: 'out_of_time', done };
  return { outcome: outcomes.includes('incomplete') ? 'incomplete' : 'drained', done };
}

async function sweepShard(
  ports: ExpireDuePorts,
  minute: string,
  shard: number,
  resumeAfter: string | undefined,
  now: Date,
  settings: Settings,
  report: SweepReport,
): Promise<ShardResult> {
  let cursor = resumeAfter;
  // Every session listed up to this sort key has been handled (expired or skipped): where the
  // next run may resume. It stops at a page with a failure, so that session is read again.
  let done = resumeAfter;
  let outcome: BucketOutcome = 'drained';
  do {
    if (settings.remainingMs() < settings.reserveMs) return { outcome: 'out_of_time', done };
    const page = await ports.expiry.due(minute, shard, now, settings.pageSize, cursor).catch((error: unknown) => {
      recordFailure(report, expiryPartitionKey(minute, shard), error);
      return undefined;
    });
    if (!page) return { outcome: 'incomplete', done };
    // The page's sessions in one read (a request per page, not per session: most of the sweep's
    // CPU was the SDK's per-request work), eventually consistent at half a read unit each.
    const read = await ports.sessions.getMany(page.sessions.map((listed) => listed.sessionId), { consistent: false }).catch((error: unknown) => {
      recordFailure(report, expiryPartitionKey(minute, shard), error);
      return undefined;
    });
    if (!read) return { outcome: 'incomplete', done };
    await forEachLimited(page.sessions, settings.concurrency, async ({ sessionId }) => {
      if (!(await expireListed(ports, sessionId, read.get(sessionId), report))) outcome = 'incomplete';
    });
    const last = page.sessions.at(-1);
    if (outcome === 'drained' && last) done = expirySortKey(last.expiresAt, last.sessionId);
    cursor = page.cursor;
  } while (cursor !== undefined);
  return { outcome, done };
}

/**
 * Expires the listed session, as its page's read found it, if it is still due; false on failure.
 * A closed, deleted or vanished session (a hard delete's TTL) is skipped after that one read: no
 * write, no event, not a failure.
 */
async function expireListed(ports: ExpireDuePorts, sessionId: string, seen: Session | undefined, report: SweepReport): Promise<boolean> {
  try {
    const session = await confirmListed(ports, sessionId, seen);
    const expired = session !== undefined && isDueToExpire(session, ports.clock.now()) && (await tryExpire(ports, session)).expired;
    if (expired) report.expired++;
    else report.skipped++;
    return true;
  } catch (error) {
    recordFailure(report, sessionId, error);
    return false;
  }
}

/**
 * The listed session as the page's eventually consistent read found it (half a read unit; the
 * index lists every settled session, so most reads here find one; one not found was already read
 * again strongly). That is enough when it shows the session closed or deleted, which it stays, or
 * due, since the expiry's write is version-conditional and re-reads strongly on a conflict. An
 * open session not yet due may be an older version than the one whose expiry a PATCH just moved
 * into this bucket: that one is read again, strongly.
 */
async function confirmListed(ports: ExpireDuePorts, sessionId: string, seen: Session | undefined): Promise<Session | undefined> {
  if (!seen || !isOpen(seen.state) || seen.deleted_at !== undefined || isDueToExpire(seen, ports.clock.now())) return seen;
  return ports.sessions.get(sessionId, { consistent: true });
}

function recordFailure(report: SweepReport, where: string, error: unknown): void {
  report.failed++;
  if (report.errors.length < MAX_REPORTED_ERRORS) report.errors.push({ where, error });
}

async function forEachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
