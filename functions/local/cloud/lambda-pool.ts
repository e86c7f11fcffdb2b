import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { FunctionSpec } from './assembly';

/**
 * One emulated Lambda function: execution environments are Node processes running its bundle
 * (lambda-runner.mjs) with exactly the environment given, each serving one invocation at a
 * time. The first invocation of an environment is its cold start (init imports the bundle, which
 * builds the adapters); idle environments are reused warm. An invocation running past the
 * function's timeout kills its environment (the next one starts cold), as Lambda does.
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
}

interface Environment {
  child: ChildProcess;
  ready: Promise<unknown>;
  busy: boolean;
  pending: Map<string, { resolve: (value: any) => void }>;
}

export class LambdaFunctionPool {
  readonly stats: InvocationStats = { invocations: 0, coldStarts: 0, errors: 0, timeouts: 0 };
  private readonly idle: Environment[] = [];
  private readonly all = new Set<Environment>();
  private readonly waiting: Array<(env: Environment) => void> = [];
  private closed = false;

  constructor(
    readonly spec: FunctionSpec,
    private readonly env: Record<string, string>,
    /** Concurrent environments at most (Lambda's would be the account's concurrency). */
    private readonly maxEnvironments = 4,
    private readonly onLog: (line: string) => void = (line) => process.stderr.write(line),
  ) {}

  async invoke<T = unknown>(event: unknown): Promise<T> {
    if (this.closed) throw new Error(`${this.spec.name} is stopped`);
    const environment = await this.acquire();
    const id = randomUUID();
    const deadline = Date.now() + this.spec.timeoutSeconds * 1000;
    this.stats.invocations += 1;
    try {
      await environment.ready;
      const reply = new Promise<any>((resolve) => environment.pending.set(id, { resolve }));
      environment.child.send({ id, event, deadline, requestId: id });
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.spec.timeoutSeconds * 1000)));
      const outcome = await Promise.race([reply, timeout]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        this.stats.timeouts += 1;
        this.stats.errors += 1;
        this.discard(environment);
        throw new FunctionError(this.spec.name, 'Sandbox.Timedout', `Task timed out after ${this.spec.timeoutSeconds}.00 seconds`);
      }
      if (outcome.cold) this.stats.coldStarts += 1;
      if (!outcome.ok) {
        this.stats.errors += 1;
        throw new FunctionError(this.spec.name, outcome.error.name, outcome.error.message);
      }
      return outcome.result as T;
    } finally {
      this.release(environment);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.all].map(async (environment) => {
      if (environment.child.exitCode !== null || environment.child.signalCode !== null) return;
      const exited = once(environment.child, 'exit');
      environment.child.kill();
      await exited;
    }));
  }

  private acquire(): Promise<Environment> {
    const idle = this.idle.pop();
    if (idle) {
      idle.busy = true;
      return Promise.resolve(idle);
    }
    if (this.all.size < this.maxEnvironments) return Promise.resolve(this.start());
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  private release(environment: Environment): void {
    if (!this.all.has(environment)) {
      // It was discarded (timeout, crash): a waiting invocation gets a fresh one.
      const next = this.waiting.shift();
      if (next && !this.closed) next(this.start());
      return;
    }
    const next = this.waiting.shift();
    if (next) next(environment);
    else {
      environment.busy = false;
      this.idle.push(environment);
    }
  }

  private discard(environment: Environment): void {
    this.all.delete(environment);
    const index = this.idle.indexOf(environment);
    if (index >= 0) this.idle.splice(index, 1);
    environment.child.kill('SIGKILL');
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
    const environment: Environment = { child, busy: true, pending: new Map(), ready: undefined as never };
    environment.ready = new Promise((resolve, reject) => {
      child.once('message', resolve);
      child.once('exit', (code) => reject(new FunctionError(spec.name, 'Runtime.ExitError', `the environment exited with ${code} before it was ready`)));
    });
    environment.ready.catch(() => undefined);
    child.on('message', (message: { id?: string }) => {
      if (!message.id) return;
      environment.pending.get(message.id)?.resolve(message);
      environment.pending.delete(message.id);
    });
    child.on('exit', (code, signal) => {
      const crashed = this.all.has(environment);
      this.all.delete(environment);
      const index = this.idle.indexOf(environment);
      if (index >= 0) this.idle.splice(index, 1);
      for (const { resolve } of environment.pending.values()) {
        resolve({ ok: false, cold: false, error: { name: 'Runtime.ExitError', message: `the environment exited (${signal ?? code})` } });
      }
      environment.pending.clear();
      if (crashed && !this.closed) this.stats.errors += 0;
    });
    this.all.add(environment);
    return environment;
  }
}
