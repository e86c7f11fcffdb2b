import { expiryLag, fannedOut, singleSweep, sustainedPerSecond, type SweepCosts } from '../../bench/expiry-scaling';

/** The bench's model of the sweep at scale (bench/expiry-scaling.ts), on fixed per-session costs. */

const COSTS: SweepCosts = { expireCpuMs: 4, visitCpuMs: 0.5, visitsPerSession: 2.5, queryCpuMs: 5 };
const LOAD = { createdPerSecond: 1000, expiringShare: 0.6 };

test('the sustained rate grows in proportion to the workers', () => {
  const one = sustainedPerSecond(COSTS, fannedOut(1), LOAD);
  for (const workers of [2, 5, 10]) expect(Math.abs(sustainedPerSecond(COSTS, fannedOut(workers), LOAD) - workers * one)).toBeLessThanOrEqual(workers);
});

test('a sweep that keeps up leaves no backlog, and a session waits at most about a run', () => {
  const lag = expiryLag(COSTS, fannedOut(), LOAD);
  expect(lag.sustained_per_s).toBeGreaterThan(600);
  expect(lag.backlog).toBe(0);
  expect(lag.max_s).toBeLessThanOrEqual(60);
  expect(lag.p50_s).toBeLessThan(lag.p99_s);
});

test('a sweep that cannot keep up grows its backlog and its lag', () => {
  const slow = { ...COSTS, expireCpuMs: 10 * COSTS.expireCpuMs, visitCpuMs: 10 * COSTS.visitCpuMs };
  const lag = expiryLag(slow, fannedOut(), LOAD);
  expect(lag.sustained_per_s).toBeLessThan(600);
  expect(lag.backlog).toBeGreaterThan(0);
  expect(lag.p99_s).toBeGreaterThan(90);
  expect(expiryLag(slow, fannedOut(), LOAD, 40).backlog).toBeGreaterThan(lag.backlog);
});

test('one invocation for every shard, 20 s a minute, falls behind where ten keep up', () => {
  expect(sustainedPerSecond(COSTS, singleSweep(), LOAD)).toBeLessThan(sustainedPerSecond(COSTS, fannedOut(), LOAD) / 10);
  expect(expiryLag(COSTS, singleSweep(), LOAD).backlog).toBeGreaterThan(0);
});
