import { Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { METRIC, metricsNamespace } from '../../functions/config/metrics';
import { alarmMessage } from '../../functions/ports/log';
import { ROUTES } from '../../functions/config/routes';
import { WORKERS } from '../../functions/config/workers';
import { checkDeployable, stageConfig } from '../../lib/stage-config';
import { synthStage, type SynthesizedApp } from './synth-app';

// Issue 25: safe deploys, alarms, dashboard, retention, backup, pinning, placeholders; each with its negative.
const PROD = { alarmEmail: 'ops@example.com', emailFrom: 'no-reply@pay.example.net', account: '123456789012', region: 'eu-west-1' };
let dev: SynthesizedApp;
let prod: SynthesizedApp;

beforeAll(() => {
  dev = synthStage('dev');
  prod = synthStage('prod', { overrides: PROD });
});

const FUNCTIONS = ROUTES.length + WORKERS.length;
type Resources = Record<string, { Properties: Record<string, any> }>;

describe('safe deploys', () => {
  test('every function has a `live` alias on a published version; nothing invokes $LATEST', () => {
    for (const app of [dev, prod]) {
      const aliases = Object.values(app.api.findResources('AWS::Lambda::Alias') as Resources);
      expect(aliases).toHaveLength(FUNCTIONS);
      for (const alias of aliases) expect(alias.Properties).toMatchObject({ Name: 'live', FunctionVersion: { 'Fn::GetAtt': [expect.stringMatching(/CurrentVersion/), 'Version'] } });
      app.api.resourceCountIs('AWS::Lambda::Version', FUNCTIONS);
      const integrations = Object.values(app.api.findResources('AWS::ApiGatewayV2::Integration') as Resources);
      expect(integrations).toHaveLength(ROUTES.length);
      for (const integration of integrations) expect(integration.Properties.IntegrationUri).toEqual({ Ref: expect.stringMatching(/Live/) });
      for (const mapping of Object.values(app.api.findResources('AWS::Lambda::EventSourceMapping') as Resources)) expect(JSON.stringify(mapping.Properties.FunctionName)).toMatch(/Live.*:live/);
      for (const rule of Object.values(app.api.findResources('AWS::Events::Rule') as Resources)) expect(rule.Properties.Targets[0].Arn).toEqual({ Ref: expect.stringMatching(/Live/) });
    }
  });

  test('prod: a CodeDeploy canary per function, rolled back on its error (and, for a route, latency) alarms', () => {
    prod.api.resourceCountIs('AWS::CodeDeploy::DeploymentGroup', FUNCTIONS);
    const groups = Object.values(prod.api.findResources('AWS::CodeDeploy::DeploymentGroup') as Resources);
    for (const group of groups) {
      expect(group.Properties).toMatchObject({
        DeploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
        AutoRollbackConfiguration: { Enabled: true, Events: expect.arrayContaining(['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM']) },
        AlarmConfiguration: { Enabled: true, Alarms: expect.any(Array) },
      });
    }
    const alarmCounts = groups.map((g) => g.Properties.AlarmConfiguration.Alarms.length).sort();
    expect(alarmCounts.filter((n) => n === 2)).toHaveLength(ROUTES.length); // errors + latency
    expect(alarmCounts.filter((n) => n === 1)).toHaveLength(WORKERS.length); // errors
    // The aliases CodeDeploy shifts are left to it on an update.
    prod.api.hasResource('AWS::Lambda::Alias', { UpdatePolicy: { CodeDeployLambdaAliasUpdate: Match.anyValue() } });
  });

  test('dev: no deployment group, the alias moves at once', () => {
    dev.api.resourceCountIs('AWS::CodeDeploy::DeploymentGroup', 0);
    dev.api.resourceCountIs('AWS::CodeDeploy::Application', 0);
    expect(stageConfig('staging').deployment).toBe('all-at-once');
  });
});

describe('failures seen in minutes', () => {
  test('the functions write EMF into the stage\'s namespace; the stage alarms on failing deliveries and a late sweep', () => {
    for (const fn of Object.values(prod.api.findResources('AWS::Lambda::Function') as Resources)) {
      expect(fn.Properties.Environment.Variables.POWERTOOLS_METRICS_NAMESPACE).toBe(metricsNamespace('prod'));
      expect(fn.Properties.TracingConfig).toEqual({ Mode: 'Active' });
    }
    for (const channel of ['webhook', 'email', 'sms']) {
      prod.api.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Metrics: Match.arrayWith([Match.objectLike({ MetricStat: Match.objectLike({ Metric: Match.objectLike({ Namespace: 'Checkout/prod', MetricName: 'Deliveries', Dimensions: Match.arrayWith([{ Name: 'channel', Value: channel }, { Name: 'outcome', Value: 'failed' }]) }) }) })]),
        DatapointsToAlarm: 2,
        EvaluationPeriods: 5,
        OKActions: [Match.anyValue()],
      });
    }
    prod.api.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'Checkout/prod', MetricName: 'ExpiryLagSeconds', Threshold: 300 });
    // Lockouts (429) in the stage's namespace, where the API functions write AuthRefused.
    prod.api.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: 'Checkout/prod', MetricName: 'AuthRefused', Dimensions: Match.arrayWith([{ Name: 'status', Value: '429' }]), Threshold: 20, DatapointsToAlarm: 2 });
    prod.api.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'IteratorAge', DatapointsToAlarm: 2, EvaluationPeriods: 5 });
  });

  test('payment attempts in error and a real gateway\'s unanswered or failed calls alarm, 2 of 5; declines and the sandbox do not', () => {
    const alarmsOn = (metricName: string) =>
      Object.values(prod.api.findResources('AWS::CloudWatch::Alarm') as Resources).filter((alarm) => JSON.stringify(alarm.Properties.Metrics ?? []).includes(`"MetricName":"${metricName}"`));
    const dimensionValues = (alarm: { Properties: Record<string, any> }) =>
      (alarm.Properties.Metrics as Array<{ MetricStat?: { Metric: { Dimensions: Array<{ Name: string; Value: string }> } } }>).flatMap((m) => m.MetricStat?.Metric.Dimensions.map((d) => `${d.Name}=${d.Value}`) ?? []);
    const gateway = alarmsOn('GatewayCalls');
    expect(gateway).toHaveLength(1);
    expect(dimensionValues(gateway[0]!).sort()).toEqual(['outcome=error', 'outcome=unknown', 'pg=mpgs', 'pg=mpgs', 'service=checkout-api', 'service=checkout-api']);
    expect(gateway[0]!.Properties).toMatchObject({ Threshold: 5, DatapointsToAlarm: 2, EvaluationPeriods: 5, OKActions: [expect.anything()] });
    const attempts = alarmsOn('PaymentAttempts');
    expect(attempts).toHaveLength(1);
    expect(dimensionValues(attempts[0]!).sort()).toEqual(['result=error', 'service=checkout-api']);
    expect(attempts[0]!.Properties).toMatchObject({ Threshold: 10, DatapointsToAlarm: 2, EvaluationPeriods: 5 });
    // A decline is the customer's, not a fault: no alarm counts it.
    expect(JSON.stringify(attempts)).not.toContain('"failed"');
  });

  test('no alarm fires on a single datapoint, except new dead letters; every alarm notifies on recovery', () => {
    for (const app of [dev, prod]) {
      for (const template of [app.data, app.api]) {
        for (const alarm of Object.values(template.findResources('AWS::CloudWatch::Alarm') as Resources)) {
          expect(alarm.Properties.OKActions).toHaveLength(1);
          const singleDatapoint = (alarm.Properties.DatapointsToAlarm ?? alarm.Properties.EvaluationPeriods) === 1;
          // New dead letters and ALARM lines: each datapoint is itself an event a person must see.
          if (singleDatapoint && alarm.Properties.MetricName !== METRIC.alarmLines) expect(JSON.stringify(alarm.Properties.Metrics)).toContain('DIFF(visible)');
        }
      }
    }
  });

  test('the ALARM lines of every function that calls a gateway are counted and alarm on the first; no other log group is filtered', () => {
    for (const [app, stage] of [[dev, 'dev'], [prod, 'prod']] as const) {
      const filters = Object.values(app.api.findResources('AWS::Logs::MetricFilter') as Resources);
      const functions = app.api.findResources('AWS::Lambda::Function') as Resources;
      const logGroupOf = (id: string) => {
        const [logicalId] = Object.entries(functions).find(([logical]) => logical.startsWith(id) && !logical.slice(id.length).match(/^[A-Z][a-z]/))!;
        return functions[logicalId]!.Properties.LoggingConfig.LogGroup.Ref as string;
      };
      const counted = new Set(filters.map((filter) => filter.Properties.LogGroupName.Ref as string));
      for (const { id, needs } of [...ROUTES, ...WORKERS]) expect([id, counted.has(logGroupOf(id))]).toEqual([id, Boolean(needs?.gatewaySecrets)]);
      expect(filters.length).toBe([...ROUTES, ...WORKERS].filter((fn) => fn.needs?.gatewaySecrets).length);
      for (const filter of filters) {
        expect(filter.Properties.MetricTransformations).toEqual([{ MetricNamespace: `Checkout/${stage}`, MetricName: METRIC.alarmLines, MetricValue: '1' }]);
      }
      // The pattern takes the lines the use cases write, and nothing else.
      const pattern = filters[0]!.Properties.FilterPattern as string;
      expect(matchesJsonFilter(pattern, { level: 'WARN', message: alarmMessage('gateway answer does not match the attempt'), error: { message: 'amount 1.000' } })).toBe(true);
      expect(matchesJsonFilter(pattern, { level: 'WARN', message: alarmMessage('automatic inquiry gave up on a pending attempt') })).toBe(true);
      expect(matchesJsonFilter(pattern, { level: 'INFO', message: 'gateway return and sync disagree (the sync decides)' })).toBe(false);
      expect(matchesJsonFilter(pattern, { level: 'WARN', message: 'webhook attempt failed', error: { message: 'ALARM in a merchant answer' } })).toBe(false);
      expect(matchesJsonFilter(pattern, { level: 'WARN', message: 'ALARMING' })).toBe(false);
      app.api.hasResourceProperties('AWS::CloudWatch::Alarm', { Namespace: `Checkout/${stage}`, MetricName: METRIC.alarmLines, Statistic: 'Sum', Threshold: 0, EvaluationPeriods: 1, ComparisonOperator: 'GreaterThanThreshold', OKActions: [Match.anyValue()] });
      expect(Object.values(app.api.findResources('AWS::CloudWatch::Alarm') as Resources).filter((alarm) => alarm.Properties.MetricName === METRIC.alarmLines)).toHaveLength(1);
    }
  });

  test('a dashboard per stage with the alarms, the API, the business metrics, deliveries, queues and lag', () => {
    for (const [app, stage] of [[dev, 'dev'], [prod, 'prod']] as const) {
      const [dashboard] = Object.values(app.api.findResources('AWS::CloudWatch::Dashboard') as Resources);
      expect(dashboard!.Properties.DashboardName).toBe(`Checkout-${stage}`);
      const body = JSON.stringify(dashboard!.Properties.DashboardBody);
      for (const piece of ['Alarms', 'API latency', 'SessionEvents', 'Deliveries', 'PaymentAttempts', 'GatewayCalls', 'GatewayLatencyMs', 'AuthRefused', 'ApproximateAgeOfOldestMessage', 'IteratorAge', 'ExpiryLagSeconds', `Checkout/${stage}`]) expect([piece, body.includes(piece)]).toEqual([piece, true]);
    }
  });
});

describe('retention and recovery', () => {
  test('logs: prod keeps 90 days, dev a week, every log group', () => {
    for (const [app, days] of [[prod, 90], [dev, 7]] as const) {
      const groups = Object.values(app.api.findResources('AWS::Logs::LogGroup') as Resources);
      expect(groups.length).toBeGreaterThan(FUNCTIONS);
      for (const group of groups) expect(group.Properties.RetentionInDays).toBe(days);
    }
  });

  test('the table has a daily AWS Backup plan with the stage\'s retention; a copy vault when given', () => {
    prod.data.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: { BackupPlanRule: [Match.objectLike({ ScheduleExpression: 'cron(0 3 * * ? *)', Lifecycle: { DeleteAfterDays: 35 } })] },
    });
    dev.data.hasResourceProperties('AWS::Backup::BackupPlan', { BackupPlan: { BackupPlanRule: [Match.objectLike({ Lifecycle: { DeleteAfterDays: 7 } })] } });
    const [tableId] = Object.keys(prod.data.findResources('AWS::DynamoDB::Table'));
    prod.data.hasResourceProperties('AWS::Backup::BackupSelection', { BackupSelection: Match.objectLike({ Resources: [{ 'Fn::GetAtt': [tableId, 'Arn'] }] }) });
    const none = JSON.stringify(prod.data.findResources('AWS::Backup::BackupPlan'));
    expect(none).not.toContain('CopyActions');
    const copied = synthStage('prod', { overrides: { ...PROD, backupCopyVaultArn: 'arn:aws:backup:eu-central-1:210987654321:backup-vault:dr' } });
    copied.data.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: { BackupPlanRule: [Match.objectLike({ CopyActions: [{ DestinationBackupVaultArn: 'arn:aws:backup:eu-central-1:210987654321:backup-vault:dr', Lifecycle: { DeleteAfterDays: 35 } }] })] },
    });
  });

  test('the attachments bucket keeps versions for longer than the PITR window, then expires them', () => {
    for (const app of [dev, prod]) {
      app.data.hasResourceProperties('AWS::S3::Bucket', {
        LoggingConfiguration: Match.anyValue(),
        VersioningConfiguration: { Status: 'Enabled' },
        LifecycleConfiguration: { Rules: Match.arrayWith([Match.objectLike({ NoncurrentVersionExpiration: { NoncurrentDays: 36 } })]) },
      });
    }
    expect(stageConfig('prod').attachmentNoncurrentDays).toBeGreaterThan(35);
  });
});

describe('retention of closed sessions and their attachments (a stage setting)', () => {
  const envOf = (app: SynthesizedApp) =>
    Object.values(app.api.findResources('AWS::Lambda::Function') as Resources).map((fn) => fn.Properties.Environment?.Variables ?? {});

  test('every function gets the stage\'s retention: prod keeps a paid session 540 days, an unpaid one 90; dev 30 and 7', () => {
    for (const [app, paid, unpaid] of [[prod, '540', '90'], [dev, '30', '7']] as const) {
      const envs = envOf(app);
      expect(envs).toHaveLength(FUNCTIONS);
      for (const env of envs) expect(env).toMatchObject({ CHECKOUT_SESSION_RETENTION_PAID_DAYS: paid, CHECKOUT_SESSION_RETENTION_UNPAID_DAYS: unpaid });
    }
    // The table's TTL removes the items; the items name their attachment for the router.
    prod.data.hasResourceProperties('AWS::DynamoDB::Table', { TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true } });
  });

  test('the stream router may delete attachment objects (their session removed): DeleteObject on the bucket\'s objects, nothing more', () => {
    const functions = prod.api.findResources('AWS::Lambda::Function', { Properties: { LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp('^RouteEventsLogs') } } } });
    const [routerId] = Object.entries(functions)[0]!;
    const roleId = (functions[routerId] as { Properties: Record<string, any> }).Properties.Role['Fn::GetAtt'][0];
    const statements = Object.values(prod.api.findResources('AWS::IAM::Policy') as Resources)
      .filter((policy) => (policy.Properties.Roles as Array<{ Ref: string }>).some((role) => role.Ref === roleId))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Array<{ Action: string | string[] }>);
    const s3Actions = statements.flatMap((statement) => [statement.Action].flat()).filter((action) => action.startsWith('s3:'));
    expect(s3Actions).toEqual(['s3:DeleteObject']);
  });

  test.each([
    [{ paidDays: 0, unpaidDays: 7 }, /sessionRetention: 0 and 7 days must be whole numbers of days from 1/],
    [{ paidDays: 30, unpaidDays: 1.5 }, /must be whole numbers of days/],
    [{ paidDays: 7, unpaidDays: 30 }, /a paid session \(7 days\) must be kept at least as long as an unpaid one \(30 days\)/],
  ])('a retention of %j is refused at synth', (sessionRetention, message) => {
    expect(() => checkDeployable({ ...stageConfig('dev'), sessionRetention }, {})).toThrow(message);
    expect(() => checkDeployable(stageConfig('dev'), {})).not.toThrow();
  });
});

describe('prod refuses what would not work', () => {
  test.each([
    [{ alarmEmail: undefined }, /-c alarmEmail=/],
    [{ emailFrom: undefined }, /-c emailFrom=<sender>: no-reply@checkout\.example\.com is the example sender/],
    [{ account: undefined }, /-c account=<12 digits> -c region=<region>/],
    [{ region: undefined }, /-c account=<12 digits> -c region=<region>/],
  ])('without %j', (missing, message) => {
    expect(() => synthStage('prod', { overrides: { ...PROD, ...missing } })).toThrow(message);
  });

  test('prod is pinned: its stacks name the account and region, and other credentials are refused', () => {
    expect(prod.stateful.account).toBe('123456789012');
    expect(prod.stateless.region).toBe('eu-west-1');
    const saved = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
    try {
      process.env.CDK_DEFAULT_ACCOUNT = '999999999999';
      process.env.CDK_DEFAULT_REGION = 'eu-west-1';
      expect(() => synthStage('prod', { overrides: PROD })).toThrow(/credentials are for account 999999999999, but the prod stage is pinned to 123456789012/);
      process.env.CDK_DEFAULT_ACCOUNT = '123456789012';
      process.env.CDK_DEFAULT_REGION = 'us-east-1';
      expect(() => synthStage('prod', { overrides: PROD })).toThrow(/region is us-east-1, but the prod stage is pinned to eu-west-1/);
    } finally {
      for (const [key, value] of [['CDK_DEFAULT_ACCOUNT', saved.account], ['CDK_DEFAULT_REGION', saved.region]] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });

  test('dev needs none of it', () => {
    expect(dev.config.alarmEmail).toBeUndefined();
    expect(dev.stateful.account).not.toBe('123456789012');
  });

  test('cdk-nag stays clean on prod with all of it', () => {
    const report = new AwsSolutionsChecks(prod.app).validateScope(prod.app);
    expect(report.violations).toEqual([]);
  });
});

/**
 * CloudWatch Logs' JSON filter `{ $.field = "value" }` (a trailing `*` matches any rest), the one
 * form the stack uses, evaluated on a parsed log line as CloudWatch does.
 */
function matchesJsonFilter(pattern: string, line: Record<string, unknown>): boolean {
  const parsed = /^\{\s*\$\.(\w+)\s*=\s*"((?:[^"\\]|\\.)*)"\s*\}$/.exec(pattern);
  if (!parsed) throw new Error(`not a JSON equality filter: ${pattern}`);
  const [, field, value] = parsed as unknown as [string, string, string];
  const actual = line[field];
  if (typeof actual !== 'string') return false;
  return value.endsWith('*') ? actual.startsWith(value.slice(0, -1)) : actual === value;
}
