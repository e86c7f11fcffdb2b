import type { Context, ScheduledEvent } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { WORKERS, type Worker } from '../config/workers';
import { logger } from '../handlers/logger';
import { lambdaContext } from './lambda-context';
import { loadWorker, type WorkerHandlerFor } from './local-workers';

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
export function startSchedules(handlerFor: WorkerHandlerFor, intervals: Record<string, number | undefined> = {}): Schedules {
  const timers = new Map<string, Timer>();
  for (const worker of WORKERS) {
    if (worker.trigger.kind !== 'schedule') continue;
    const handler = loadWorker<ScheduledHandler>(worker, handlerFor);
    handler.catch(() => undefined); // reported by the run that awaits it
    timers.set(worker.id, new Timer(worker, handler, intervals[worker.id] ?? worker.trigger.everyMinutes * 60_000));
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

class Timer {
  private readonly interval: NodeJS.Timeout;
  private running: Promise<void> | undefined;

  constructor(
    private readonly worker: Worker,
    private readonly handler: Promise<ScheduledHandler>,
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
      await (await this.handler)(scheduledEvent(this.worker), lambdaContext(this.worker.id, Date.now() + RUN_TIMEOUT_MS));
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

