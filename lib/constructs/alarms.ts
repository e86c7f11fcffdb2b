import { Duration } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, MathExpression, TreatMissingData, type IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';

/**
 * How the stage's alarms are made: every one notifies the alarm topic when it fires and again
 * when it recovers (OK action), so a person sees both; most need M of N one-minute datapoints,
 * so a single failed request or a blip does not page anyone, while a real problem does within
 * about five minutes.
 */
export interface AlarmRule {
  description: string;
  threshold: number;
  /** Default: greater than the threshold. */
  comparison?: ComparisonOperator;
  /** [M, N]: alarm when M of the last N periods breach. */
  datapoints: readonly [number, number];
  /** Default one minute. */
  period?: Duration;
}

/** M of N: two of five one-minute periods (a person hears within five minutes, a single blip is ignored). */
export const PERSISTENT: readonly [number, number] = [2, 5];
/** One breaching period is enough: each datapoint is itself a real event (a new dead letter). */
export const EVERY_TIME: readonly [number, number] = [1, 1];

export class StageAlarms {
  readonly created: Alarm[] = [];

  constructor(
    private readonly scope: Construct,
    private readonly topic: ITopic,
  ) {}

  add(id: string, metric: IMetric, rule: AlarmRule): Alarm {
    const alarm = new Alarm(this.scope, id, {
      metric,
      alarmDescription: rule.description,
      threshold: rule.threshold,
      comparisonOperator: rule.comparison ?? ComparisonOperator.GREATER_THAN_THRESHOLD,
      datapointsToAlarm: rule.datapoints[0],
      evaluationPeriods: rule.datapoints[1],
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
    const action = new SnsAction(this.topic);
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
    this.created.push(alarm);
    return alarm;
  }

  /**
   * New messages in a dead-letter queue in the last five minutes, not "not empty": an alarm on
   * the depth stays in ALARM until someone redrives, and hides the next failure. A message our
   * consumers dead-letter is a SendMessage (NumberOfMessagesSent); one SQS moves after too many
   * receives is not counted there, so a rise in the visible count counts too.
   */
  newDeadLetters(id: string, dlq: IQueue, what: string): Alarm {
    const period = Duration.minutes(5);
    const metric = new MathExpression({
      expression: 'MAX([sent, DIFF(visible)])',
      usingMetrics: {
        sent: dlq.metricNumberOfMessagesSent({ period, statistic: 'Sum' }),
        visible: dlq.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
      },
      period,
      label: `New dead letters: ${what}`,
    });
    return this.add(id, metric, {
      description: `New messages in the ${what} dead-letter queue: deliveries failed for good (docs/runbook.md, "A dead letter").`,
      threshold: 0,
      datapoints: EVERY_TIME,
      period,
    });
  }

  /** The oldest message of a work queue has waited longer than `maxAge`: its consumer is failing, throttled or too slow. */
  oldestMessage(id: string, queue: IQueue, what: string, maxAge: Duration): Alarm {
    return this.add(id, queue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(1), statistic: 'Maximum' }), {
      description: `The oldest ${what} message has waited more than ${maxAge.toHumanString()} (docs/runbook.md, "A stuck queue").`,
      threshold: maxAge.toSeconds(),
      datapoints: PERSISTENT,
    });
  }
}
