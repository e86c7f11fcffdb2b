import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { FunctionSpec } from './assembly';

/**
 * One emulated Lambda function: execution environments are Node processes running its bundle
 * (lambda-runner.mjs) with exactly the environment given, each serving one invocation at a
 * time. A new environment's init imports the bundle (which builds the adapters) before its first
 * invocation, outside that invocation's timeout as on Lambda; that first invocation counts as the
 * cold start, and idle environments are reused warm. An invocation running past the
 * function's timeout kills its environment (the next one starts cold), as Lambda does.
 *
 * An environment may die at any moment (the process exits, runs out of memory, or is killed from
 * outside, or by the chaos switch): as on Lambda that fails only the invocation it was serving
 * (Runtime.ExitError, which the caller handles as Lambda's would: API Gateway answers 502, an
 * event source retries the batch), and the next invocation gets a fresh environment. One that
 * died while idle is simply not reused.
 */

export class FunctionError extends Error {
  constructor(
    readonly functionName: string,
    readonly errorType: string,
    message: string,
  ) {
    super(`${functionName}: ${errorType}: ${message}`);
    this.name = 'FunctionError';
  }
}

export interface InvocationStats {
  invocations: number;
  coldStarts: number;
  errors: number;
  timeouts: number;
  /** Invocations failed because their environment died under them. */
  crashes: number;
}

/** Kills environments at random mid-invocation (CHECKOUT_LOCAL_CHAOS; functions/local/cloud/chaos.ts). */
export interface ChaosPolicy {
  /** Whether this invocation's environment is killed, and after how many ms; undefined: it is not. */
  killAfterMs(functionName: string): number | undefined;
}

interface Reply {
  ok: boolean;
  cold?: boolean;
  result?: unknown;
  error?: { name: string; message: string };
}

interface Environment {
  child: ChildProcess;
  ready: Promise<unknown>;
  /** The process exited or its channel closed: it never serves again. */
  dead: boolean;
  pending: Map<string, (reply: Reply) => void>;
}

/** Lambda's limit on an environment's init phase (after which it runs init again within the invocation's timeout). */
const INIT_LIMIT_MS = 10_000;

/** Attempts at delivering one invocation to an environment that turns out dead before it got it. */
const DELIVERY_ATTEMPTS = 3;

export class LambdaFunctionPool {
  readonly stats: InvocationStats = { invocations: 0, coldStarts: 0, errors: 0, timeouts: 0, crashes: 0 };
  private readonly idle: Environment[] = [];
  private readonly all = new Set<Environment>();
  private readonly busy = new Set<Environment>();
  private readonly waiting: Array<(env: Environment) => void> = [];
  private closed = false;

  constructor(
    readonly spec: FunctionSpec,
    private readonly env: Record<string, string>,
    /** Concurrent environments at most (Lambda's would be the account's concurrency). */
    private readonly maxEnvironments = 4,
    private readonly onLog: (line: string) => void = (line) => process.stderr.write(line),
    private readonly chaos?: ChaosPolicy,
  ) {}

  /**
   * `signal`: the caller gave up (API Gateway's integration timeout). An invocation still waiting
   * for an environment then never starts, as Lambda never saw it: on one machine the queue would
   * otherwise keep running work nobody waits for, and every later request would wait behind it.
   * One already running goes on, as on Lambda.
   */
  async invoke<T = unknown>(event: unknown, signal?: AbortSignal): Promise<T> {
    if (this.closed) throw new Error(`${this.spec.name} is stopped`);
    for (let attempt = 1; ; attempt++) {
      const environment = await this.acquire(signal);
      if (attempt === 1) this.stats.invocations += 1;
      try {
        const outcome = await this.run(environment, event);
        if (outcome === 'undelivered') {
          // It died before the invocation reached it (an idle environment killed a moment ago):
          // the function never ran, so another environment takes the invocation.
          if (attempt < DELIVERY_ATTEMPTS) continue;
          throw this.failure('Runtime.ExitError', 'no execution environment could be started');
        }
        return outcome as T;
      } finally {
        this.release(environment);
      }
    }
  }

  /** Pids of the environments serving an invocation now (tests). */
  busyPids(): number[] {
    return [...this.busy].filter((env) => !env.dead && env.child.pid !== undefined).map((env) => env.child.pid!);
  }

  /** SIGKILLs one environment serving an invocation, chosen with `random` (0 ≤ r < 1); false if none is. */
  killRandom(random: () => number = Math.random): boolean {
    const candidates = [...this.busy].filter((env) => !env.dead);
    if (candidates.length === 0) return false;
    candidates[Math.floor(random() * candidates.length)]!.child.kill('SIGKILL');
    return true;
  }

  /**
   * Stops the idle environments, as Lambda retires them after a while or a deploy: the next
   * invocation starts cold and reads its settings and secrets again (tests).
   */
  recycle(): void {
    for (const environment of this.idle.splice(0)) environment.child.kill();
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(
      [...this.all].map(async (environment) => {
        if (environment.child.exitCode !== null || environment.child.signalCode !== null) return;
        const exited = once(environment.child, 'exit');
        environment.child.kill();
        await exited;
      }),
    );
  }

  private async run(environment: Environment, event: unknown): Promise<unknown> {
    const { spec } = this;
    try {
      await this.initialized(environment);
    } catch (error) {
      if (error instanceof FunctionError) throw error;
      return this.crashed();
    }
    const id = randomUUID();
    const deadline = Date.now() + spec.timeoutSeconds * 1000;
    const reply = new Promise<Reply>((resolve) => environment.pending.set(id, resolve));
    const delivered = await new Promise<boolean>((resolve) => {
      if (environment.dead || !environment.child.connected) return resolve(false);
      environment.child.send({ id, event, deadline, requestId: id }, (error) => resolve(!error));
    });
    if (!delivered) {
      environment.pending.delete(id);
      this.markDead(environment);
      return 'undelivered';
    }
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), spec.timeoutSeconds * 1000)));
    const outcome = await Promise.race([this.withChaos(environment, id, reply), timeout]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      environment.pending.delete(id);
      this.stats.timeouts += 1;
      this.stats.errors += 1;
      this.discard(environment);
      throw new FunctionError(spec.name, 'Sandbox.Timedout', `Task timed out after ${spec.timeoutSeconds}.00 seconds`);
    }
    if (outcome.cold) this.stats.coldStarts += 1;
    if (!outcome.ok) {
      if (outcome.error?.name === 'Runtime.ExitError') return this.crashed(outcome.error.message);
      this.stats.errors += 1;
      throw new FunctionError(spec.name, outcome.error?.name ?? 'Error', outcome.error?.message ?? '');
    }
    return outcome.result;
  }

  /**
   * The chaos switch's kill: after its delay, or as soon as the function answers if it answers
   * first (then it did its work but died before its answer reached Lambda, the case that makes
   * an event source deliver again). Either way the invocation fails with Runtime.ExitError.
   */
  private withChaos(environment: Environment, id: string, reply: Promise<Reply>): Promise<Reply> {
    const killAfter = this.chaos?.killAfterMs(this.spec.name);
    if (killAfter === undefined) return reply;
    const kill = () => {
      environment.child.kill('SIGKILL');
      this.markDead(environment);
    };
    const timer = setTimeout(kill, killAfter);
    return reply.then((answer) => {
      clearTimeout(timer);
      if (environment.dead) return answer;
      environment.pending.delete(id);
      kill();
      return { ok: false, error: { name: 'Runtime.ExitError', message: 'the environment was killed (CHECKOUT_LOCAL_CHAOS)' } };
    });
  }

  /**
   * The environment's init, bounded as Lambda bounds it: 10 s, then once more within the
   * invocation's timeout. An init still running then is stopped and the invocation fails, so a
   * hung import can never hold an event source's poller (which waits for each invocation).
   */
  private async initialized(environment: Environment): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), INIT_LIMIT_MS + this.spec.timeoutSeconds * 1000)));
    try {
      if ((await Promise.race([environment.ready, limit])) !== 'timeout') return;
    } finally {
      clearTimeout(timer);
    }
    this.stats.timeouts += 1;
    this.stats.errors += 1;
    this.discard(environment);
    throw new FunctionError(this.spec.name, 'Sandbox.Timedout', `init did not finish within ${INIT_LIMIT_MS / 1000 + this.spec.timeoutSeconds} seconds`);
  }

  private crashed(detail = 'the environment exited before it was ready'): never {
    this.stats.crashes += 1;
    this.stats.errors += 1;
    throw this.failure('Runtime.ExitError', detail);
  }

  private failure(type: string, message: string): FunctionError {
    return new FunctionError(this.spec.name, type, message);
  }

  private acquire(signal?: AbortSignal): Promise<Environment> {
    let environment: Environment | undefined;
    while ((environment = this.idle.pop())) {
      if (environment.dead) continue;
      this.busy.add(environment);
      return Promise.resolve(environment);
    }
    if (this.all.size < this.maxEnvironments) return Promise.resolve(this.start());
    return new Promise((resolve, reject) => {
      const withdraw = () => {
        const index = this.waiting.indexOf(take);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(this.failure('Sandbox.Timedout', 'the caller gave up before an execution environment was free'));
      };
      const take = (free: Environment) => {
        signal?.removeEventListener('abort', withdraw);
        resolve(free);
      };
      if (signal?.aborted) return withdraw();
      signal?.addEventListener('abort', withdraw, { once: true });
      this.waiting.push(take);
    });
  }

  private release(environment: Environment): void {
    this.busy.delete(environment);
    const next = this.waiting.shift();
    if (!this.all.has(environment) || environment.dead) {
      // It was discarded (timeout) or died: a waiting invocation gets a fresh one.
      if (next && !this.closed) next(this.start());
      else if (next) this.waiting.unshift(next);
      return;
    }
    if (next) {
      this.busy.add(environment);
      next(environment);
    } else this.idle.push(environment);
  }

  private discard(environment: Environment): void {
    this.markDead(environment);
    environment.child.kill('SIGKILL');
  }

  /** Never used again; the invocation it serves (if any) fails; its place goes to a fresh one. */
  private markDead(environment: Environment): void {
    environment.dead = true;
    this.all.delete(environment);
    const index = this.idle.indexOf(environment);
    if (index >= 0) this.idle.splice(index, 1);
    for (const resolve of environment.pending.values()) {
      resolve({ ok: false, cold: false, error: { name: 'Runtime.ExitError', message: `the environment exited (${environment.child.signalCode ?? environment.child.exitCode ?? 'channel closed'})` } });
    }
    environment.pending.clear();
  }

  private start(): Environment {
    const { spec } = this;
    const child = fork(join(__dirname, 'lambda-runner.mjs'), [spec.file, spec.exportName, spec.name, String(spec.memoryMb)], {
      env: this.env,
      // Lambda's memory setting bounds the heap (roughly; Lambda also counts what is off-heap).
      execArgv: [`--max-old-space-size=${Math.max(64, Math.floor(spec.memoryMb * 0.9))}`, '--enable-source-maps'],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    const prefix = `[${spec.name}] `;
    const forward = (chunk: Buffer) => this.onLog(chunk.toString('utf8').split('\n').filter(Boolean).map((l) => prefix + l + '\n').join(''));
    child.stdout!.on('data', forward);
    child.stderr!.on('data', forward);
    const environment: Environment = { child, dead: false, pending: new Map(), ready: undefined as never };
    environment.ready = new Promise((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', () => reject(new Error('exited before it was ready')));
      // A process that could not be started (EAGAIN under load) emits 'error' and never 'exit'.
      child.once('error', () => reject(new Error('could not be started')));
      child.once('disconnect', () => reject(new Error('exited before it was ready')));
    });
    environment.ready.catch(() => undefined);
    child.on('message', (message: Reply & { id?: string }) => {
      if (!message.id) return;
      environment.pending.get(message.id)?.(message);
      environment.pending.delete(message.id);
    });
    // A send to a process that just died reports ERR_IPC_CHANNEL_CLOSED here (and to its callback).
    child.on('error', () => this.markDead(environment));
    child.on('disconnect', () => this.markDead(environment));
    child.on('exit', () => this.markDead(environment));
    this.all.add(environment);
    this.busy.add(environment);
    return environment;
  }
}
