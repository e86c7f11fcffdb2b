import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LambdaFunctionPool, FunctionError } from '../../functions/local/cloud/lambda-pool';
import type { AddressInfo } from 'node:net';
import type { FunctionSpec } from '../../functions/local/cloud/assembly';
import { chaosPolicy, parseChaos } from '../../functions/local/cloud/chaos';
import { createHttpApi, type HttpRoute } from '../../functions/local/cloud/http-api';

/**
 * An execution environment that dies (the process exits, or is killed from outside) fails only
 * the invocation it was serving, as on Lambda; the next invocation gets a fresh environment and
 * the parent process (npm start, the local cloud) carries on.
 */

let dir: string;
const pools: LambdaFunctionPool[] = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'lambda-pool-'));
  writeFileSync(
    join(dir, 'index.mjs'),
    `import { writeFileSync } from 'node:fs';
export const handler = async (event) => {
  if (event.mark) writeFileSync(event.mark, 'ran');
  if (event.exit) process.exit(3);
  if (event.hang) await new Promise(() => setInterval(() => undefined, 1000));
  return { pid: process.pid, echo: event.echo };
};`,
  );
});

afterAll(async () => {
  await Promise.all(pools.map((pool) => pool.close()));
  rmSync(dir, { recursive: true, force: true });
});

function pool(options: { timeoutSeconds?: number; maxEnvironments?: number; file?: string } = {}): LambdaFunctionPool {
  const spec: FunctionSpec = { logicalId: 'Fn', name: 'Fn', file: join(dir, options.file ?? 'index.mjs'), exportName: 'handler', timeoutSeconds: options.timeoutSeconds ?? 30, memoryMb: 128, environment: {} };
  const created = new LambdaFunctionPool(spec, { PATH: process.env.PATH ?? '' }, options.maxEnvironments ?? 2, () => undefined);
  pools.push(created);
  return created;
}

const exited = (pid: number) =>
  new Promise<void>((resolve) => {
    const check = () => {
      try {
        process.kill(pid, 0);
        setTimeout(check, 10);
      } catch {
        resolve();
      }
    };
    check();
  });

test('a function that exits mid-invocation fails that invocation; the next one runs in a fresh environment', async () => {
  const fn = pool();
  const first = await fn.invoke<{ pid: number }>({ echo: 1 });
  await expect(fn.invoke({ exit: true })).rejects.toMatchObject({ errorType: 'Runtime.ExitError' });
  const next = await fn.invoke<{ pid: number; echo: number }>({ echo: 2 });
  expect(next.echo).toBe(2);
  expect(next.pid).not.toBe(first.pid);
  expect(fn.stats).toMatchObject({ invocations: 3, errors: 1, crashes: 1 });
});

test('an environment killed from outside mid-invocation fails that invocation only; others in flight finish', async () => {
  const fn = pool({ maxEnvironments: 3 });
  const { hanging, pid: victim } = await startHanging(fn, 'victim');
  const others = Promise.all([fn.invoke<{ echo: number }>({ echo: 'a' }), fn.invoke<{ echo: number }>({ echo: 'b' })]);
  process.kill(victim!, 'SIGKILL');
  await expect(hanging).rejects.toBeInstanceOf(FunctionError);
  await expect(others).resolves.toEqual([expect.objectContaining({ echo: 'a' }), expect.objectContaining({ echo: 'b' })]);
  expect((await fn.invoke<{ echo: string }>({ echo: 'after' })).echo).toBe('after');
});

test('an environment killed while idle never takes the parent down (ERR_IPC_CHANNEL_CLOSED): an invocation racing its death fails like a crash, the next gets a fresh one', async () => {
  const fn = pool({ maxEnvironments: 1 });
  for (let round = 0; round < 10; round++) {
    const { pid } = await fn.invoke<{ pid: number }>({ echo: round });
    process.kill(pid, 'SIGKILL');
    // Invoked at once and then a little later each time: before, while and after the parent
    // hears of the exit (today's pool sent into the closed channel and crashed the process).
    for (let delay = 0; delay < 8; delay++) {
      await new Promise((resolve) => setTimeout(resolve, delay));
      const outcome = await fn.invoke<{ pid: number }>({}).catch((error: FunctionError) => error);
      if (outcome instanceof Error) expect(outcome).toMatchObject({ errorType: 'Runtime.ExitError' });
      else expect(outcome.pid).not.toBe(pid);
    }
    await exited(pid);
    expect((await fn.invoke<{ pid: number }>({})).pid).not.toBe(pid);
  }
});

test('killRandom (the chaos switch) kills one busy environment and the pool serves on', async () => {
  const fn = pool({ maxEnvironments: 2 });
  const { hanging } = await startHanging(fn, 'chaos');
  expect(fn.killRandom(() => 0)).toBe(true);
  await expect(hanging).rejects.toMatchObject({ errorType: 'Runtime.ExitError' });
  expect((await fn.invoke<{ echo: number }>({ echo: 5 })).echo).toBe(5);
});

test('an invocation whose caller gave up while it waited for an environment never runs; the queue behind it moves on', async () => {
  const fn = pool({ maxEnvironments: 1, timeoutSeconds: 1 });
  const hanging = fn.invoke({ hang: true });
  await waitForBusy(fn, 1);
  const gaveUp = new AbortController();
  const mark = join(dir, 'withdrawn');
  const withdrawn = fn.invoke({ mark }, gaveUp.signal);
  const next = fn.invoke<{ echo: string }>({ echo: 'next' });
  gaveUp.abort();
  await expect(withdrawn).rejects.toMatchObject({ errorType: 'Sandbox.Timedout' });
  await expect(hanging).rejects.toMatchObject({ errorType: 'Sandbox.Timedout' });
  expect((await next).echo).toBe('next');
  expect(existsSync(mark)).toBe(false);
  expect(fn.stats.invocations).toBe(2);
  // A signal already aborted withdraws at once too.
  const busy = fn.invoke({ hang: true });
  await waitForBusy(fn, 1);
  await expect(fn.invoke({ mark }, AbortSignal.abort())).rejects.toMatchObject({ errorType: 'Sandbox.Timedout' });
  await expect(busy).rejects.toMatchObject({ errorType: 'Sandbox.Timedout' });
  expect(existsSync(mark)).toBe(false);
});

/**
 * A hanging invocation that has reached its handler. Only then does killing its environment fail
 * it: an environment killed before the invocation was delivered never ran it, so the pool rightly
 * gives it to a fresh environment (where this one would hang until the function's timeout).
 */
async function startHanging(fn: LambdaFunctionPool, name: string): Promise<{ hanging: Promise<unknown>; pid: number }> {
  const mark = join(dir, `running-${name}`);
  const hanging = fn.invoke({ hang: true, mark });
  while (!existsSync(mark)) await new Promise((resolve) => setTimeout(resolve, 10));
  const [pid] = await waitForBusy(fn, 1);
  return { hanging, pid: pid! };
}

test('an init that never finishes fails its invocation after Lambda\'s 10 s plus the timeout, and the environment is stopped (an event source waiting on it is never held for ever)', async () => {
  writeFileSync(join(dir, 'hung-init.mjs'), `await new Promise(() => setInterval(() => undefined, 1000));\nexport const handler = async () => 'never';`);
  const fn = pool({ timeoutSeconds: 1, file: 'hung-init.mjs' });
  const invocation = fn.invoke({});
  const [pid] = await waitForBusy(fn, 1);
  await expect(invocation).rejects.toMatchObject({ errorType: 'Sandbox.Timedout', message: expect.stringContaining('init did not finish within 11 seconds') });
  await exited(pid!);
  expect(fn.stats).toMatchObject({ invocations: 1, timeouts: 1, errors: 1 });
});

async function waitForBusy(fn: LambdaFunctionPool, count: number): Promise<number[]> {
  for (;;) {
    const pids = fn.busyPids();
    if (pids.length >= count) return pids;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

test('an HTTP route whose function dies mid-invocation answers 502 as API Gateway does (no internals), and the next request is served', async () => {
  const fn = pool();
  const routes: HttpRoute[] = [{ routeKey: 'POST /x', method: 'POST', pattern: /^\/x$/, params: [], rank: 0, functionLogicalId: 'Fn' }];
  const server = createHttpApi(routes, async (_id, event) => {
    const exit = JSON.parse((event as { body?: string }).body || '{}').exit === true;
    const result = await fn.invoke<{ pid: number }>({ exit });
    return { statusCode: 200, body: JSON.stringify(result) };
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/x`;
  try {
    const killed = await fetch(url, { method: 'POST', body: JSON.stringify({ exit: true }) });
    expect(killed.status).toBe(502);
    expect(await killed.json()).toEqual({ message: 'Internal Server Error' });
    const next = await fetch(url, { method: 'POST', body: '{}' });
    expect(next.status).toBe(200);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

describe('CHECKOUT_LOCAL_CHAOS', () => {
  test('parses its fields and refuses what it does not know', () => {
    expect(parseChaos('kill=0.05,seed=7,functions=RouteEvents+DeliverWebhook,within=50')).toEqual({ kill: 0.05, seed: 7, withinMs: 50, functions: ['RouteEvents', 'DeliverWebhook'] });
    expect(parseChaos('kill=1')).toEqual({ kill: 1, seed: 1, withinMs: 200, functions: undefined });
    expect(() => parseChaos('kill=0')).toThrow(/kill must be/);
    expect(() => parseChaos('kill=2')).toThrow(/kill must be/);
    expect(() => parseChaos('kill=0.1,sed=3')).toThrow(/unknown field sed/);
  });

  test('the same seed kills the same invocations of a function, whatever the other functions do; other functions are spared', () => {
    const decisions = (interleave: boolean) => {
      const policy = chaosPolicy(parseChaos('kill=0.3,seed=42,functions=A+B'));
      const out: Array<number | undefined> = [];
      for (let i = 0; i < 200; i++) {
        if (interleave && i % 3 === 0) policy.killAfterMs('B');
        out.push(policy.killAfterMs('A'));
        expect(policy.killAfterMs('C')).toBeUndefined();
      }
      return out;
    };
    const plain = decisions(false);
    expect(decisions(true)).toEqual(plain);
    const killed = plain.filter((delay) => delay !== undefined).length;
    expect(killed).toBeGreaterThan(30);
    expect(killed).toBeLessThan(90);
    expect(plain.every((delay) => delay === undefined || (delay >= 0 && delay < 200))).toBe(true);
  });

  test('a pool with the switch on fails the killed invocations only, and serves on', async () => {
    const spec: FunctionSpec = { logicalId: 'Fn', name: 'Fn', file: join(dir, 'index.mjs'), exportName: 'handler', timeoutSeconds: 30, memoryMb: 128, environment: {} };
    const policy = chaosPolicy(parseChaos('kill=0.5,seed=3,within=0'));
    const fn = new LambdaFunctionPool(spec, { PATH: process.env.PATH ?? '' }, 2, () => undefined, { killAfterMs: (name) => policy.killAfterMs(name) });
    pools.push(fn);
    const outcomes = [];
    for (let i = 0; i < 12; i++) outcomes.push(await fn.invoke({ hang: false, echo: i }).then(() => 'ok', (error: FunctionError) => error.errorType));
    expect(new Set(outcomes)).toEqual(new Set(['ok', 'Runtime.ExitError']));
    expect(fn.stats.crashes).toBe(outcomes.filter((o) => o !== 'ok').length);
  });
});
