import { Duration } from 'aws-cdk-lib';
import { Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

export interface FannedOutScheduleProps {
  fn: IFunction;
  everyMinutes: number;
  /** Parallel invocations per run, the n-th given `{ "shard": n }`; absent: one plain invocation. */
  fanOut?: number;
  description: string;
}

/** EventBridge allows at most five targets per rule. */
const TARGETS_PER_RULE = 5;

/**
 * A schedule that runs a function as `fanOut` parallel invocations, each with its shard as input:
 * a sweep whose work splits by shard then grows with its workers, each invocation bounded by the
 * function's timeout for its share alone. EventBridge's own retries (2, within the period) retry
 * one shard's failed run without the others. Five targets per rule, so ten shards are two rules.
 */
export class FannedOutSchedule extends Construct {
  readonly rules: Rule[] = [];

  constructor(scope: Construct, id: string, props: FannedOutScheduleProps) {
    super(scope, id);
    const period = Duration.minutes(props.everyMinutes);
    const target = (shard?: number) =>
      new LambdaFunction(props.fn, {
        retryAttempts: 2,
        maxEventAge: period,
        ...(shard === undefined ? {} : { event: RuleTargetInput.fromObject({ shard }) }),
      });
    if (props.fanOut === undefined) {
      this.rules.push(new Rule(this, 'Rule', { description: props.description, schedule: Schedule.rate(period), targets: [target()] }));
      return;
    }
    for (let first = 0; first < props.fanOut; first += TARGETS_PER_RULE) {
      const shards = Array.from({ length: Math.min(TARGETS_PER_RULE, props.fanOut - first) }, (_, i) => first + i);
      this.rules.push(
        new Rule(this, `Shards${first}`, {
          description: `${props.description}, shards ${shards[0]}–${shards.at(-1)}`,
          schedule: Schedule.rate(period),
          targets: shards.map((shard) => target(shard)),
        }),
      );
    }
  }
}
