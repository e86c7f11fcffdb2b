import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { redriveDeadLetters, type RedriveResult } from '../../functions/adapters/aws/sqs-redrive';
import { QUEUE_NAMES, type QueueName } from '../../functions/config/queues';
import { ValidationError } from '../../functions/domain/errors';
import type { Command, Context } from './cli';
import { streamFailureMover } from './stream-failures';
import type { StageTarget } from './stage-target';

/** The queues' commands: redrive the dead letters, and the stage's status. */

/** Every work queue's DLQ (the channels' and the automatic inquiry's `sync`), and the stream's failures. */
export const DEAD_LETTER_QUEUES: readonly DeadLetterQueue[] = [...QUEUE_NAMES, 'stream-failures'];
type DeadLetterQueue = QueueName | 'stream-failures';

async function redriveOne(context: Context, queue: DeadLetterQueue): Promise<RedriveResult> {
  const { target } = context;
  const progress = (moved: number, found: number) => context.progress(`${queue}: ${moved} of ${found} moved`);
  if (queue === 'stream-failures') {
    const move = streamFailureMover(target);
    return redriveDeadLetters(target.sqs, { from: await target.streamFailuresUrl(), to: '', move, progress });
  }
  return redriveDeadLetters(target.sqs, { from: await target.dlqUrl(queue), to: await target.queueUrl(queue), progress });
}

async function redrive(context: Context, queues: readonly DeadLetterQueue[]) {
  const results: Record<string, RedriveResult> = {};
  for (const queue of queues) results[queue] = await redriveOne(context, queue);
  const lines = Object.entries(results).map(([queue, r]) =>
    `${queue}: moved ${r.moved} of the ${r.found} dead letter(s) found${r.newer ? `; ${r.newer} that died during the redrive left for the next one` : ''}.`);
  return { data: { redriven: results }, text: lines.join('\n') };
}

export const QUEUE_COMMANDS: Record<string, Command> = {
  redrive: {
    usage: `redrive [--queue ${DEAD_LETTER_QUEUES.join('|')}|all]
                                                 sends the dead letters found at the start back once (default: all queues),
                                                 with progress on stderr; a message failing again stays dead`,
    positionals: 0,
    changes: true,
    options: { queue: { type: 'string' } },
    async run(context) {
      const asked = typeof context.values.queue === 'string' ? context.values.queue : 'all';
      if (asked !== 'all' && !(DEAD_LETTER_QUEUES as readonly string[]).includes(asked)) {
        throw new ValidationError({ queue: [`Use one of ${DEAD_LETTER_QUEUES.join(', ')} or all.`] });
      }
      return redrive(context, asked === 'all' ? DEAD_LETTER_QUEUES : [asked as DeadLetterQueue]);
    },
  },
  'redrive-webhooks': {
    usage: 'redrive-webhooks                               redrive --queue webhook',
    positionals: 0,
    changes: true,
    options: {},
    run: (context) => redrive(context, ['webhook']),
  },
  status: {
    usage: 'status                                         queues, dead letters, alarms in alarm and the last deploy',
    positionals: 0,
    changes: false,
    options: {},
    async run({ target }) {
      const stage = await target.stageName();
      const [queues, alarms, deploys] = await Promise.all([queueStatus(target), stage ? alarmsInAlarm(stage) : undefined, stage ? lastDeploys(stage) : undefined]);
      const lines = [
        `Stage: ${stage ?? 'unknown (give --stage for alarms and deploys)'}`,
        ...Object.entries(queues).map(([name, q]) => `${name.padEnd(16)} waiting ${q.waiting}, in flight ${q.in_flight}, delayed ${q.delayed}, dead ${q.dead}`),
        alarms ? `Alarms in alarm: ${alarms.length === 0 ? 'none' : ''}` : '',
        ...(alarms ?? []).map((a) => `  ${a.name} since ${a.since}: ${a.reason}`),
        ...(deploys ?? []).map((d) => `Stack ${d.stack}: ${d.status} at ${d.at}`),
      ].filter(Boolean);
      return { data: { queues, alarms_in_alarm: alarms ?? null, deploys: deploys ?? null }, text: lines.join('\n') };
    },
  },
};

interface QueueStatus {
  waiting: number;
  in_flight: number;
  delayed: number;
  dead: number;
}

async function counts(target: StageTarget, url: string) {
  const answer = await target.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'] }),
  );
  const a = answer.Attributes ?? {};
  return { waiting: Number(a.ApproximateNumberOfMessages ?? 0), in_flight: Number(a.ApproximateNumberOfMessagesNotVisible ?? 0), delayed: Number(a.ApproximateNumberOfMessagesDelayed ?? 0) };
}

async function queueStatus(target: StageTarget): Promise<Record<string, QueueStatus>> {
  const entries = await Promise.all(
    QUEUE_NAMES.map(async (name: QueueName) => {
      const [queue, dlq] = await Promise.all([counts(target, await target.queueUrl(name)), counts(target, await target.dlqUrl(name))]);
      return [name, { ...queue, dead: dlq.waiting + dlq.in_flight }] as const;
    }),
  );
  const failures = await counts(target, await target.streamFailuresUrl());
  return { ...Object.fromEntries(entries), 'stream-failures': { waiting: 0, in_flight: 0, delayed: 0, dead: failures.waiting + failures.in_flight } };
}

/** The stage's alarms (CloudFormation names them after their stack: Checkout-<stage>-…) now in ALARM. */
async function alarmsInAlarm(stage: string) {
  const cloudwatch = new CloudWatchClient({});
  try {
    const alarms: Array<{ name: string; since: string; reason: string }> = [];
    let next: string | undefined;
    do {
      const page = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNamePrefix: `Checkout-${stage}-`, StateValue: 'ALARM', NextToken: next }));
      for (const alarm of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
        alarms.push({ name: alarm.AlarmName!, since: alarm.StateUpdatedTimestamp?.toISOString() ?? '', reason: alarm.StateReason ?? '' });
      }
      next = page.NextToken;
    } while (next);
    return alarms;
  } finally {
    cloudwatch.destroy();
  }
}

/** Each stack's status and when it last changed: the last deploy. */
async function lastDeploys(stage: string) {
  const cloudformation = new CloudFormationClient({});
  try {
    return await Promise.all(
      ['Data', 'Api'].map(async (part) => {
        const stack = `Checkout-${stage}-${part}`;
        try {
          const found = (await cloudformation.send(new DescribeStacksCommand({ StackName: stack }))).Stacks?.[0];
          return { stack, status: found?.StackStatus ?? 'UNKNOWN', at: (found?.LastUpdatedTime ?? found?.CreationTime)?.toISOString() ?? null };
        } catch (error) {
          if ((error as Error).name === 'ValidationError') return { stack, status: 'NOT_DEPLOYED', at: null };
          throw error;
        }
      }),
    );
  } finally {
    cloudformation.destroy();
  }
}
