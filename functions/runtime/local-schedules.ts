import type { Context, ScheduledEvent } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { lambdaContext } from './lambda-context';
import { logger } from './logger';
import { WORKERS, type Worker } from './workers';

/**
 * The embedded stand-in for EventBridge schedules: every `schedule` worker's handler module runs
 * on a timer in-process. Timers are unref'd (they never keep the process alive) and a run never
 * overlaps the previous one of the same worker.
 */

/** What a scheduled run may take, like the Lambda timeout the CDK sets for it. */
const RUN_TIMEOUT_MS = 60_000;

type ScheduledHandler = (event: ScheduledEvent, context: Context) => Promise<unknown>;

export interface Schedules {
  /** Clears the timers and waits for runs in progress. */
  stop(): Promise<void>;
  /** Runs one worker now (waiting for a run in progress first); the embedded tools and tests use it. */
  runNow(workerId: string): Promise<void>;
}

/** `intervals` overrides a worker's period in milliseconds (its rule says every N minutes). */
export function startSchedules(intervals: Record<string, number | undefined> = {}): Schedules {
  const timers = new Map<string, Timer>();
  for (const worker of WORKERS) {
    if (worker.trigger.kind !== 'schedule') continue;
    timers.set(worker.id, new Timer(worker, intervals[worker.id] ?? worker.trigger.everyMinutes * 60_000));
  }
  return {
    stop: async () => {
      await Promise.all([...timers.values()].map((timer) => timer.stop()));
    },
    runNow: async (workerId) => {
      const timer = timers.get(workerId);
      if (!timer) throw new Error(`No scheduled worker "${workerId}"`);
      await timer.runNow();
    },
  };
}

/** A positive integer of milliseconds from the environment, or undefined when unset. */
export function intervalFromEnv(name: string, env: NodeJS.ProcessEnv): number | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms <= 0) throw new Error(`${name} must be a positive integer of milliseconds, got "${value}"`);
  return ms;
}

class Timer {
  private readonly interval: NodeJS.Timeout;
  private running: Promise<void> | undefined;

  constructor(
    private readonly worker: Worker,
    periodMs: number,
  ) {
    this.interval = setInterval(() => void this.tick(), periodMs);
    this.interval.unref();
  }

  async runNow(): Promise<void> {
    await this.running;
    await this.tick();
  }

  async stop(): Promise<void> {
    clearInterval(this.interval);
    await this.running;
  }

  private tick(): Promise<void> {
    this.running ??= this.invoke().finally(() => (this.running = undefined));
    return this.running;
  }

  private async invoke(): Promise<void> {
    try {
      const { handler } = (await import(`../handlers/${this.worker.handler}`)) as { handler: ScheduledHandler };
      await handler(scheduledEvent(this.worker), lambdaContext(this.worker.id, Date.now() + RUN_TIMEOUT_MS));
    } catch (error) {
      // A failed run is retried by the next tick, as the next EventBridge invocation would.
      logger.error('Scheduled worker failed', { worker: this.worker.id, error });
    }
  }
}

function scheduledEvent(worker: Worker): ScheduledEvent {
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: '000000000000',
    time: new Date().toISOString(),
    region: 'local',
    resources: [`arn:aws:events:local:000000000000:rule/${worker.id}`],
    detail: {},
  };
}

