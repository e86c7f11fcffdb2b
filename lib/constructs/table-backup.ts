import { Duration, Validations, type RemovalPolicy } from 'aws-cdk-lib';
import { ManagedPolicy, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { BackupPlan, BackupPlanRule, BackupResource, BackupVault, type IBackupVault } from 'aws-cdk-lib/aws-backup';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Schedule } from 'aws-cdk-lib/aws-events';
import { Construct } from 'constructs';

export interface TableBackupProps {
  table: ITable;
  stage: string;
  /** How long each daily backup is kept. */
  retentionDays: number;
  /** A vault in another region or account the daily backup is copied to (kept as long). */
  copyToVaultArn?: string;
  removalPolicy: RemovalPolicy;
}

/**
 * The table's AWS Backup plan: a daily backup at 03:00 UTC, kept `retentionDays`, in the stage's
 * own vault, optionally copied to another vault. Point-in-time recovery (35 days, on the table)
 * covers "an hour ago"; these cover a table deleted or corrupted beyond that window, and the
 * copy covers losing the region or the account. docs/runbook.md says how to restore.
 */
export class TableBackup extends Construct {
  readonly vault: BackupVault;
  readonly plan: BackupPlan;

  constructor(scope: Construct, id: string, props: TableBackupProps) {
    super(scope, id);
    this.vault = new BackupVault(this, 'Vault', { backupVaultName: `checkout-${props.stage}`, removalPolicy: props.removalPolicy });
    const copyTo: IBackupVault | undefined = props.copyToVaultArn ? BackupVault.fromBackupVaultArn(this, 'CopyVault', props.copyToVaultArn) : undefined;
    this.plan = new BackupPlan(this, 'Plan', { backupPlanName: `checkout-${props.stage}-table` });
    this.plan.addRule(
      new BackupPlanRule({
        ruleName: 'Daily',
        backupVault: this.vault,
        scheduleExpression: Schedule.cron({ minute: '0', hour: '3' }),
        deleteAfter: Duration.days(props.retentionDays),
        copyActions: copyTo ? [{ destinationBackupVault: copyTo, deleteAfter: Duration.days(props.retentionDays) }] : undefined,
      }),
    );
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('backup.amazonaws.com'),
      managedPolicies: [ManagedPolicy.fromAwsManagedPolicyName('service-role/AWSBackupServiceRolePolicyForBackup')],
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      reason: 'AWS Backup\'s own service policy: it lets Backup snapshot the selected resources; AWS keeps it in step with the service.',
    });
    this.plan.addSelection('Table', { resources: [BackupResource.fromDynamoDbTable(props.table)], role });
  }
}
