import { Duration, Validations } from 'aws-cdk-lib';
import { ManagedPolicy, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { LambdaDeploymentConfig, LambdaDeploymentGroup, LambdaApplication } from 'aws-cdk-lib/aws-codedeploy';
import { Alias, type Function as LambdaFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';

/** The alias every caller (API route, event source, schedule) invokes: never `$LATEST`. */
export const LIVE_ALIAS = 'live';

export interface SafeDeployProps {
  /** `canary`: CodeDeploy shifts 10% for 5 minutes, then all, and rolls back on the alarms; `all-at-once`: the alias moves at once. */
  mode: 'canary' | 'all-at-once';
}

/**
 * Versions and aliases for every function, and in a canary stage one CodeDeploy deployment
 * group per function: a deploy publishes a new version, and CodeDeploy moves the `live` alias
 * to it gradually (CANARY_10PERCENT_5MINUTES), rolling back by itself when one of the
 * function's alarms fires during the shift or the deployment fails. Callers only ever reach the
 * alias, so the version they run is always one CodeDeploy chose.
 */
export class SafeDeploy extends Construct {
  readonly application?: LambdaApplication;
  private role?: Role;

  constructor(scope: Construct, id: string, props: SafeDeployProps) {
    super(scope, id);
    if (props.mode !== 'canary') return;
    this.application = new LambdaApplication(this, 'Application');
    // One service role for every deployment group (not one each).
    this.role = new Role(this, 'CodeDeployRole', {
      assumedBy: new ServicePrincipal('codedeploy.amazonaws.com'),
      managedPolicies: [ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSCodeDeployRoleForLambdaLimited')],
    });
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSCodeDeployRoleForLambdaLimited]',
      reason: 'AWS\'s own policy for CodeDeploy on Lambda: it may only invoke the hooks and update aliases of functions CodeDeploy deploys; AWS keeps it in step with the service.',
    });
  }

  /** The function's `live` alias on its current version. */
  alias(fn: LambdaFunction): Alias {
    return new Alias(fn, 'Live', { aliasName: LIVE_ALIAS, version: fn.currentVersion });
  }

  /** In a canary stage, the deployment group shifting `alias`, watching `alarms`. */
  guard(id: string, alias: Alias, alarms: Alarm[]): LambdaDeploymentGroup | undefined {
    if (!this.application) return undefined;
    return new LambdaDeploymentGroup(this, `${id}Deployment`, {
      application: this.application,
      role: this.role,
      alias,
      deploymentConfig: LambdaDeploymentConfig.CANARY_10PERCENT_5MINUTES,
      alarms,
      autoRollback: { deploymentInAlarm: true, failedDeployment: true, stoppedDeployment: true },
    });
  }
}

/** How long the canary watches before shifting the rest (CANARY_10PERCENT_5MINUTES). */
export const CANARY_WATCH = Duration.minutes(5);
