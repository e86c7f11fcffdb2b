import { Match, type Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CHANNELS, QUEUE_NAMES } from '../../functions/config/queues';
import { ROUTES, type Route } from '../../functions/config/routes';
import { TRAILING_SLASH_PARAM } from '../../functions/config/trailing-slash';
import { WORKERS, type Worker } from '../../functions/config/workers';
import { EXPIRY_SHARDS } from '../../functions/domain/expiry';
import { functionMemoryMb, queueSlots } from '../../lib/stage-config';
import { synthStage, type SynthesizedApp } from './synth-app';

// Assertion-only: synthesized without esbuild (bundle.test.ts covers a real bundle), once per stage.
let dev: SynthesizedApp;
let prod: SynthesizedApp;
let withWorkers: SynthesizedApp;
/** What prod needs to synthesize (lib/stage-config.ts checkDeployable). */
const PROD = { alarmEmail: 'ops@example.com', emailFrom: 'no-reply@pay.example.net', account: '123456789012', region: 'eu-west-1' };

// Workers name an existing handler module: the stack only needs a real entry to point at.
const TEST_WORKERS: Worker[] = [
  { id: 'RouteEvents', handler: 'http/retrieve-session', trigger: { kind: 'table-stream' }, needs: { sendTo: CHANNELS } },
  { id: 'DeliverWebhook', handler: 'http/retrieve-session', trigger: { kind: 'queue', queue: 'webhook' }, needs: { webhookKey: true } },
  { id: 'SendEmail', handler: 'http/retrieve-session', trigger: { kind: 'queue', queue: 'email' }, needs: { email: true, bucket: ['GetObject'] } },
  { id: 'SendSms', handler: 'http/retrieve-session', trigger: { kind: 'queue', queue: 'sms' }, needs: { sms: true } },
  { id: 'AutoInquiry', handler: 'http/retrieve-session', trigger: { kind: 'queue', queue: 'sync' }, needs: { gatewaySecrets: true, sendTo: ['sync'] } },
  { id: 'ExpireSessions', handler: 'http/retrieve-session', trigger: { kind: 'schedule', everyMinutes: 1 }, needs: { table: ['Query', 'UpdateItem'] } },
];

beforeAll(() => {
  dev = synthStage('dev');
  prod = synthStage('prod', { overrides: PROD });
  withWorkers = synthStage('staging', { workers: TEST_WORKERS });
});

type Resources = Record<string, { Type: string; Properties?: Record<string, any>; DeletionPolicy?: string }>;
const resources = (template: Template, type: string): Resources => template.findResources(type) as Resources;
const only = <T>(items: Record<string, T>): [string, T] => {
  const entries = Object.entries(items);
  if (entries.length !== 1) throw new Error(`expected one match, found ${entries.length}`);
  return entries[0]!;
};

/** The logical id of a route's function: the Lambda whose description is `METHOD path`. */
function functionOf(template: Template, route: Route): string {
  return only(template.findResources('AWS::Lambda::Function', { Properties: { Description: `${route.method} ${route.path}` } }))[0];
}

/** The logical id of the function's `live` alias (on a published version). */
function aliasOf(template: Template, functionId: string): string {
  return only(template.findResources('AWS::Lambda::Alias', { Properties: { FunctionName: { Ref: functionId }, Name: 'live' } }))[0];
}

/** The IAM statements of the role a function runs as. */
function statementsOf(template: Template, functionId: string): Array<{ Effect: string; Action: string | string[]; Resource: unknown }> {
  const fn = template.toJSON().Resources[functionId];
  const roleId: string = fn.Properties.Role['Fn::GetAtt'][0];
  const policies = Object.values(resources(template, 'AWS::IAM::Policy')).filter((p) =>
    (p.Properties!.Roles as Array<{ Ref: string }>).some((r) => r.Ref === roleId),
  );
  return policies.flatMap((p) => p.Properties!.PolicyDocument.Statement);
}
const actionsOf = (statements: Array<{ Action: string | string[] }>) => statements.flatMap((s) => [s.Action].flat());

describe('HTTP API', () => {
  test.each(ROUTES.map((r) => [r.id, r] as const))('%s: both slash forms reach its own function', (_id, route) => {
    const functionId = functionOf(dev.api, route);
    const aliasId = aliasOf(dev.api, functionId);
    const integrations = dev.api.findResources('AWS::ApiGatewayV2::Integration', {
      Properties: { IntegrationType: 'AWS_PROXY', IntegrationUri: { Ref: aliasId } },
    });
    const [integrationId] = only(integrations);
    for (const path of [route.path, `${route.path}/{${TRAILING_SLASH_PARAM}+}`]) {
      dev.api.hasResourceProperties('AWS::ApiGatewayV2::Route', {
        RouteKey: `${route.method} ${path}`,
        Target: { 'Fn::Join': ['', ['integrations/', { Ref: integrationId }]] },
      });
      // API Gateway may invoke the function's alias through either route.
      dev.api.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        FunctionName: { Ref: aliasId },
        Principal: 'apigateway.amazonaws.com',
        SourceArn: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(`/\\*/\\*${path.replace(/[{}+]/g, '\\$&')}$`)])] },
      });
    }
  });

  test('one route pair per route table entry, nothing else exposed', () => {
    const keys = Object.values(resources(dev.api, 'AWS::ApiGatewayV2::Route')).map((r) => r.Properties!.RouteKey as string);
    expect(keys.sort()).toEqual(ROUTES.flatMap((r) => [`${r.method} ${r.path}`, `${r.method} ${r.path}/{proxy+}`]).sort());
  });

  test('stage throttling and access logs come from the stage config', () => {
    dev.api.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: dev.config.apiThrottle.rateLimit, ThrottlingBurstLimit: dev.config.apiThrottle.burstLimit },
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('\\$context.requestId') },
    });
    prod.api.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      DefaultRouteSettings: { ThrottlingRateLimit: prod.config.apiThrottle.rateLimit, ThrottlingBurstLimit: prod.config.apiThrottle.burstLimit },
    });
    // The route key, not the path: a card's or an attachment's token never reaches the access log.
    const [stage] = Object.values(prod.api.findResources('AWS::ApiGatewayV2::Stage'));
    const format = JSON.parse(stage!.Properties.AccessLogSettings.Format);
    expect(format).toMatchObject({ routeKey: '$context.routeKey', requestId: '$context.requestId' });
    expect(Object.values(format)).not.toContain('$context.path');
    expect(prod.config.apiThrottle.rateLimit).toBeGreaterThan(dev.config.apiThrottle.rateLimit);
  });
});

/** The route or worker a function's logical id (`<id><8 hex>`) belongs to, and its kind. */
function definitionOf(logicalId: string, workers: readonly Worker[]): [string, 'route' | 'worker'] {
  const named = (id: string) => new RegExp(`^${id}[0-9A-F]{8}$`).test(logicalId);
  const route = ROUTES.find((r) => named(r.id));
  if (route) return [route.id, 'route'];
  const worker = workers.find((w) => named(w.id));
  if (!worker) throw new Error(`no route or worker for function ${logicalId}`);
  return [worker.id, 'worker'];
}

describe('functions', () => {
  test('every function: nodejs22.x on arm64, X-Ray active, source maps, its own log group', () => {
    for (const app of [dev, withWorkers]) {
      const functions = resources(app.api, 'AWS::Lambda::Function');
      expect(Object.keys(functions)).toHaveLength(ROUTES.length + (app === withWorkers ? TEST_WORKERS : WORKERS).length);
      for (const [id, fn] of Object.entries(functions)) {
        expect(fn.Properties).toMatchObject({
          Runtime: 'nodejs22.x',
          Architectures: ['arm64'],
          Handler: 'index.handler',
          TracingConfig: { Mode: 'Active' },
          MemorySize: functionMemoryMb(app.config, ...definitionOf(id, app === withWorkers ? TEST_WORKERS : WORKERS)),
          LoggingConfig: { LogGroup: { Ref: expect.stringMatching(/Logs/) } },
        });
        expect(fn.Properties!.Environment.Variables).toMatchObject({
          NODE_OPTIONS: '--enable-source-maps',
          POWERTOOLS_SERVICE_NAME: 'checkout-api',
          POWERTOOLS_LOG_LEVEL: app.config.logLevel,
          CHECKOUT_PUBLIC_URL: expect.anything(),
          CHECKOUT_EMAIL_FROM: app.config.emailFrom,
          CHECKOUT_TABLE: expect.anything(),
          CHECKOUT_BUCKET: expect.anything(),
          CHECKOUT_WEBHOOK_QUEUE_URL: expect.anything(),
          CHECKOUT_EMAIL_QUEUE_URL: expect.anything(),
          CHECKOUT_SMS_QUEUE_URL: expect.anything(),
          CHECKOUT_WEBHOOK_SECRET_ID: expect.anything(),
        });
        const logGroup = app.api.toJSON().Resources[fn.Properties!.LoggingConfig.LogGroup.Ref];
        expect([id, logGroup.Type, logGroup.Properties.RetentionInDays]).toEqual([id, 'AWS::Logs::LogGroup', app.config.logRetention]);
      }
    }
  });

  test('no function role carries an AWS managed policy', () => {
    const functionRoles = Object.values(resources(withWorkers.api, 'AWS::IAM::Role')).filter((role) => JSON.stringify(role.Properties!.AssumeRolePolicyDocument).includes('lambda.amazonaws.com'));
    expect(functionRoles).toHaveLength(ROUTES.length + TEST_WORKERS.length);
    for (const role of functionRoles) {
      expect(role.Properties!.ManagedPolicyArns).toBeUndefined();
    }
  });

  test('least privilege: retrieve reads sessions and writes only what authenticating a caller writes; no secret, queue or bucket', () => {
    const statements = statementsOf(dev.api, functionOf(dev.api, ROUTES.find((r) => r.id === 'RetrieveSession')!)) as Array<{ Action: string | string[]; Condition?: any }>;
    const actions = actionsOf(statements);
    expect(actions.filter((a) => a.startsWith('dynamodb:')).sort()).toEqual(['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
    expect(actions.filter((a) => /^(s3|sqs|sns|ses|secretsmanager|kms):/.test(a))).toEqual([]);
    // Limited to these items by their partition keys: sessions read, the authentication's items written.
    const table = statements.find((s) => [s.Action].flat().includes('dynamodb:GetItem'))!;
    expect(table.Condition['ForAllValues:StringLike']['dynamodb:LeadingKeys'].sort()).toEqual(['AUDIT#*', 'AUTHFAIL#*', 'CONFIG', 'KEYUSE#*', 'ORDERNO#*', 'SESSION#*']);
  });

  test('least privilege: create writes items (TransactWriteItems is authorised per item action) and attachment objects, but no queue or secret', () => {
    const actions = actionsOf(statementsOf(dev.api, functionOf(dev.api, ROUTES.find((r) => r.id === 'CreateSession')!)));
    expect(actions).toEqual(expect.arrayContaining(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']));
    expect(actions).not.toContain('dynamodb:ConditionCheckItem');
    expect(actions.filter((a) => /^s3:/.test(a)).sort()).toEqual(['s3:DeleteObject', 's3:GetObject', 's3:ListBucket', 's3:PutObject']);
    expect(actions.filter((a) => /^(sqs|sns|ses|secretsmanager):/.test(a))).toEqual([]);
    expect(actions).not.toContain('dynamodb:Scan');
  });
});

describe('workers', () => {
  const workerFunction = (id: string) => only(withWorkers.api.findResources('AWS::Lambda::Function', {
    Properties: { LoggingConfig: { LogGroup: { Ref: Match.stringLikeRegexp(`^${id}Logs`) } } },
  }))[0];

  /** An event source mapping names the alias as `<function name>:live`, the name taken from the alias's ARN. */
  const aliasArn = (functionId: string) => ({ 'Fn::Join': ['', [{ 'Fn::Select': [6, { 'Fn::Split': [':', { Ref: aliasOf(withWorkers.api, functionId) }] }] }, ':live']] });

  test('table-stream: writes that carry events (and earlier-layout outbox INSERTs), and removals of sessions with an attachment, only; bisect, partial failures, bounded retries, on-failure queue', () => {
    withWorkers.api.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: aliasArn(workerFunction('RouteEvents')),
      EventSourceArn: { Ref: Match.stringLikeRegexp('^SsmParameterValuecheckoutstagingtablestreamarn') },
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: Match.anyValue(),
      DestinationConfig: { OnFailure: { Destination: { Ref: Match.stringLikeRegexp('^SsmParameterValuecheckoutstagingstreamfailuresarn') } } },
      FilterCriteria: {
        Filters: [
          { Pattern: JSON.stringify({ dynamodb: { NewImage: { events: { S: [{ exists: true }] } } } }) },
          { Pattern: JSON.stringify({ eventName: ['REMOVE'], dynamodb: { OldImage: { attachment_key: { S: [{ exists: true }] } } } }) },
          { Pattern: JSON.stringify({ eventName: ['INSERT'], dynamodb: { Keys: { sk: { S: [{ prefix: 'EVENT#' }] } } } }) },
        ],
      },
    });
  });

  test.each([
    ['DeliverWebhook', 'WebhookQueue'],
    ['SendEmail', 'EmailQueue'],
    ['SendSms', 'SmsQueue'],
  ])('queue: %s consumes %s and reports partial batch failures', (id, queue) => {
    withWorkers.api.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: aliasArn(workerFunction(id)),
      EventSourceArn: { Ref: Match.stringLikeRegexp(`^SsmParameterValuecheckoutstaging${queue.replace('Queue', '').toLowerCase()}queuearn`) },
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
  });

  test('schedule: an EventBridge rule runs the expiry worker every N minutes', () => {
    withWorkers.api.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: 'rate(1 minute)',
      State: 'ENABLED',
      Targets: [Match.objectLike({ Arn: { Ref: aliasOf(withWorkers.api, workerFunction('ExpireSessions')) } })],
    });
  });

  test('schedule with fanOut (the app\'s expiry sweep): one invocation per shard a minute, each given its shard, on rules of at most five targets, retried twice within the minute', () => {
    const sweep = WORKERS.find((w) => w.id === 'ExpireSessions')!;
    expect(sweep.trigger).toEqual({ kind: 'schedule', everyMinutes: 1, fanOut: EXPIRY_SHARDS });
    const fnId = only(dev.api.findResources('AWS::Lambda::Function', { Properties: { Description: 'worker: schedule' } }))[0];
    const rules = Object.values(resources(dev.api, 'AWS::Events::Rule'));
    const targets = rules.flatMap((rule) => {
      expect(rule.Properties!.ScheduleExpression).toBe('rate(1 minute)');
      expect(rule.Properties!.Targets.length).toBeLessThanOrEqual(5);
      return rule.Properties!.Targets as Array<{ Arn: unknown; Input?: string; RetryPolicy?: unknown }>;
    });
    // Each target is the function's live alias (safe deploys), never $LATEST.
    expect(targets.map((t) => t.Arn)).toEqual(Array(EXPIRY_SHARDS).fill({ Ref: aliasOf(dev.api, fnId) }));
    expect(targets.map((t) => JSON.parse(t.Input!).shard).sort((a, b) => a - b)).toEqual(Array.from({ length: EXPIRY_SHARDS }, (_, i) => i));
    for (const t of targets) expect(t.RetryPolicy).toEqual({ MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 60 });
    // Its share of the minute: the sweep's timeout is the stage's capacity setting, not the queue consumers'.
    dev.api.hasResourceProperties('AWS::Lambda::Function', { Description: 'worker: schedule', Timeout: dev.config.capacity.expiryTimeout.toSeconds() });
    expect(dev.config.capacity.expiryTimeout.toSeconds()).toBeLessThanOrEqual(60);
  });

  test('needs become exactly these grants', () => {
    const expire = actionsOf(statementsOf(withWorkers.api, workerFunction('ExpireSessions')));
    expect(expire.filter((a) => a.startsWith('dynamodb:')).sort()).toEqual(['dynamodb:Query', 'dynamodb:UpdateItem']);
    const sms = statementsOf(withWorkers.api, workerFunction('SendSms'));
    // Publish to phone numbers (no ARN), with every topic denied.
    expect(sms.filter((s) => s.Effect === 'Allow' && actionsOf([s]).includes('sns:Publish')).map((s) => s.Resource)).toEqual(['*']);
    expect(sms).toContainEqual(expect.objectContaining({ Effect: 'Deny', Action: 'sns:Publish', Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sns:*:*:*']] } }));
    const webhook = actionsOf(statementsOf(withWorkers.api, workerFunction('DeliverWebhook')));
    expect(webhook).toContain('secretsmanager:GetSecretValue');
    expect(webhook).not.toContain('sqs:SendMessage');
    const router = actionsOf(statementsOf(withWorkers.api, workerFunction('RouteEvents')));
    expect(router).toEqual(expect.arrayContaining(['sqs:SendMessage', 'dynamodb:GetRecords']));
    expect(router.filter((a) => /^dynamodb:(Put|Update|Delete)/.test(a))).toEqual([]);
  });

  test('a worker naming a missing handler module fails synthesis', () => {
    expect(() => synthStage('dev', { workers: [{ id: 'Ghost', handler: 'queue/no-such-handler', trigger: { kind: 'queue', queue: 'sms' } }] }))
      .toThrow(/queue\/no-such-handler\.ts does not exist/);
  });
});

describe('data', () => {
  test('the single table as shared: pk/sk, ttl, stream, keys-only gsi1, on demand, PITR, encrypted', () => {
    dev.data.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      AttributeDefinitions: Match.arrayWith([{ AttributeName: 'pk', AttributeType: 'S' }, { AttributeName: 'sk', AttributeType: 'S' }]),
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'ttl', Enabled: true },
      StreamSpecification: { StreamViewType: 'NEW_AND_OLD_IMAGES' },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      GlobalSecondaryIndexes: [{
        IndexName: 'gsi1',
        KeySchema: [{ AttributeName: 'gsi1pk', KeyType: 'HASH' }, { AttributeName: 'gsi1sk', KeyType: 'RANGE' }],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      }],
    });
  });

  test('prod keeps its data: deletion protection and RETAIN; dev can be torn down', () => {
    prod.data.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ DeletionProtectionEnabled: true }) });
    for (const type of ['AWS::S3::Bucket', 'AWS::SecretsManager::Secret', 'AWS::SQS::Queue', 'AWS::KMS::Key']) {
      for (const resource of Object.values(resources(prod.data, type))) expect(resource.DeletionPolicy).toBe('Retain');
    }
    expect(prod.stateful.terminationProtection).toBe(true);
    dev.data.hasResource('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete', Properties: Match.objectLike({ DeletionProtectionEnabled: false }) });
  });

  test('attachments bucket: private, encrypted, TLS only, logged, unattached uploads expire', () => {
    const [bucketId] = only(dev.data.findResources('AWS::S3::Bucket', { Properties: { LoggingConfiguration: Match.anyValue() } }));
    dev.data.hasResourceProperties('AWS::S3::Bucket', {
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: Match.anyValue() } }] },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({ AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }),
          Match.objectLike({ Prefix: 'uploads/', ExpirationInDays: dev.config.unattachedUploadDays }),
        ]),
      },
    });
    dev.data.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]),
      },
    });
  });

  test('each work queue has its DLQ; all encrypted, TLS only, visibility at least 6x the consumer timeout', () => {
    const queues = resources(dev.data, 'AWS::SQS::Queue');
    const work = Object.entries(queues).filter(([id]) => /^(Webhook|Email|Sms)Queue[0-9A-F]+$/.test(id));
    expect(work).toHaveLength(3);
    for (const [, queue] of work) {
      const dlqId = queue.Properties!.RedrivePolicy.deadLetterTargetArn['Fn::GetAtt'][0] as string;
      expect(queues[dlqId]).toBeDefined();
      expect(queue.Properties!.RedrivePolicy.maxReceiveCount).toBeGreaterThan(1);
      expect(queue.Properties!.VisibilityTimeout).toBeGreaterThanOrEqual(6 * dev.config.workerTimeout.toSeconds());
    }
    for (const [id, queue] of Object.entries(queues)) {
      expect([id, queue.Properties!.SqsManagedSseEnabled]).toEqual([id, true]);
      dev.data.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: id }],
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
      });
    }
  });

  test('the webhook HMAC key is generated in Secrets Manager', () => {
    dev.data.hasResourceProperties('AWS::SecretsManager::Secret', { GenerateSecretString: Match.objectLike({ PasswordLength: 64 }) });
  });
});

describe('alarms', () => {
  const topicRef = (app: SynthesizedApp) => only(app.data.findResources('AWS::SNS::Topic'))[0];

  test('every DLQ (and the stream failure queue) alarms on new dead letters, not on "not empty", on every occurrence, and notifies on recovery', () => {
    const queues = Object.keys(resources(dev.data, 'AWS::SQS::Queue')).filter((id) => /Dlq|StreamFailures/.test(id));
    expect(queues).toHaveLength(QUEUE_NAMES.length + 1);
    for (const queue of queues) {
      dev.data.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Metrics: Match.arrayWith([
          Match.objectLike({ Expression: 'MAX([sent, DIFF(visible)])' }),
          Match.objectLike({ Id: 'sent', MetricStat: Match.objectLike({ Metric: { Namespace: 'AWS/SQS', MetricName: 'NumberOfMessagesSent', Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queue, 'QueueName'] } }] } }) }),
        ]),
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 1,
        AlarmActions: [{ Ref: topicRef(dev) }],
        OKActions: [{ Ref: topicRef(dev) }],
      });
    }
    // Negative: no alarm on the depth alone (it would stay in ALARM until a redrive).
    const depthOnly = Object.values(resources(dev.data, 'AWS::CloudWatch::Alarm')).filter((a) => a.Properties!.MetricName === 'ApproximateNumberOfMessagesVisible');
    expect(depthOnly).toEqual([]);
  });

  test('each work queue alarms on its oldest message\'s age, 2 of 5 minutes', () => {
    for (const [name, seconds] of [['Webhook', 3600], ['Email', 900], ['Sms', 900]] as const) {
      const queueId = Object.keys(resources(dev.data, 'AWS::SQS::Queue')).find((id) => new RegExp(`^${name}Queue[0-9A-F]+$`).test(id))!;
      dev.data.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateAgeOfOldestMessage',
        Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }],
        Threshold: seconds,
        DatapointsToAlarm: 2,
        EvaluationPeriods: 5,
        OKActions: [Match.anyValue()],
      });
    }
  });

  test('every function alarms on Errors, and the API on its 5xx rate', () => {
    const functions = Object.keys(resources(withWorkers.api, 'AWS::Lambda::Function'));
    for (const fn of functions) {
      withWorkers.api.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'Errors',
        Dimensions: Match.arrayWith([{ Name: 'FunctionName', Value: { Ref: fn } }, { Name: 'Resource', Value: Match.anyValue() }]),
        Threshold: 0,
        // A single failed invocation is noise; two minutes of five are not.
        DatapointsToAlarm: 2,
        EvaluationPeriods: 5,
        Period: 60,
        OKActions: [Match.anyValue()],
        AlarmActions: [{ Ref: Match.stringLikeRegexp('^SsmParameterValuecheckoutstagingalarmtopicarn') }],
      });
    }
    dev.api.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Threshold: dev.config.api5xxRatePercent,
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: Match.stringLikeRegexp('errors / requests') }),
        Match.objectLike({ MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: '5xx' }) }) }),
      ]),
    });
  });

  test('the alarm topic is encrypted, TLS only, and e-mails the configured address', () => {
    prod.data.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    prod.data.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    dev.data.resourceCountIs('AWS::SNS::Subscription', 0);
  });
});

describe('cdk-nag AwsSolutions', () => {
  test.each([
    ['dev', () => dev],
    ['prod', () => prod],
    ['staging with every kind of worker', () => withWorkers],
  ])('%s: no unacknowledged error or warning', (_name, get) => {
    const { app } = get();
    const report = new AwsSolutionsChecks(app).validateScope(app);
    expect(report.violations.map((v) => `${v.severity} ${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`)).toEqual([]);
    expect(report.success).toBe(true);
  });
});

describe('a deploy that delivers', () => {
  test('the alarm topic lets CloudWatch alarms of this account publish (its TLS-only policy replaces the default one)', () => {
    dev.data.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ]),
      },
    });
  });

  test('the stacks share resources through SSM parameters, never CloudFormation exports', () => {
    for (const app of [dev, prod]) {
      const outputs = Object.values(app.data.toJSON().Outputs ?? {}) as Array<{ Export?: unknown }>;
      expect(outputs.filter((o) => o.Export)).toEqual([]);
      expect(JSON.stringify(app.api.toJSON())).not.toContain('Fn::ImportValue');
    }
    dev.data.hasResourceProperties('AWS::SSM::Parameter', { Name: '/checkout/dev/table-stream-arn', Type: 'String' });
    dev.api.hasParameter('*', { Type: 'AWS::SSM::Parameter::Value<String>', Default: '/checkout/dev/table-stream-arn' });
  });

  test('the public URL is the API\'s own URL by default, so workers always have a base for links', () => {
    dev.api.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ CHECKOUT_PUBLIC_URL: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Api'), 'ApiEndpoint'] } }) },
    });
    dev.api.resourceCountIs('AWS::ApiGatewayV2::DomainName', 0);
  });

  test('a custom domain maps the API and becomes the public URL; half of one is refused', () => {
    const custom = synthStage('dev', { overrides: { domainName: 'pay.example.com', certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc' } });
    custom.api.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
      DomainName: 'pay.example.com',
      DomainNameConfigurations: [Match.objectLike({ CertificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/abc', EndpointType: 'REGIONAL' })],
    });
    custom.api.hasResourceProperties('AWS::ApiGatewayV2::ApiMapping', { Stage: Match.anyValue(), DomainName: Match.anyValue() });
    custom.api.hasResourceProperties('AWS::Lambda::Function', { Environment: { Variables: Match.objectLike({ CHECKOUT_PUBLIC_URL: 'https://pay.example.com' }) } });
    const report = new AwsSolutionsChecks(custom.app).validateScope(custom.app);
    expect(report.violations).toEqual([]);
    expect(() => synthStage('dev', { overrides: { domainName: 'pay.example.com' } })).toThrow(/both -c domainName/);
  });

  test('the stream router alarms on iterator age, and every function on throttles', () => {
    withWorkers.api.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'IteratorAge',
      Namespace: 'AWS/Lambda',
      Statistic: 'Maximum',
      Threshold: Match.anyValue(),
      AlarmActions: [Match.anyValue()],
    });
    const functions = Object.keys(resources(withWorkers.api, 'AWS::Lambda::Function'));
    for (const fn of functions) {
      withWorkers.api.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'Throttles',
        Dimensions: Match.arrayWith([{ Name: 'FunctionName', Value: { Ref: fn } }]),
        Threshold: 0,
        AlarmActions: [Match.anyValue()],
      });
    }
  });

  test('every queue consumer has a maximum concurrency (the webhook\'s bounds a backlog\'s flood; e-mail\'s and SMS\'s the SES/SNS quotas)', () => {
    for (const queue of QUEUE_NAMES) {
      withWorkers.api.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: { Ref: Match.stringLikeRegexp(`^SsmParameterValuecheckoutstaging${queue}queuearn`) },
        ScalingConfig: { MaximumConcurrency: withWorkers.config.capacity.queueConcurrency[queue] },
      });
    }
  });
});

describe('capacity (lib/stage-config.ts capacity; docs/capacity.md)', () => {
  const fnOf = (app: SynthesizedApp, description: string) => only(app.api.findResources('AWS::Lambda::Function', { Properties: { Description: description } }))[1];
  const mappingOf = (app: SynthesizedApp, queue: string) =>
    only(
      app.api.findResources('AWS::Lambda::EventSourceMapping', {
        Properties: { EventSourceArn: { Ref: Match.stringLikeRegexp(`^SsmParameterValuecheckout${app.config.stage}${queue}queuearn`) } },
      }),
    )[1];

  test('prod reserves concurrency for the stream router and the webhook worker, as its capacity says; dev reserves none', () => {
    const router = Object.values(resources(prod.api, 'AWS::Lambda::Function')).find((f) => f.Properties!.Description === 'worker: table-stream')!;
    expect(router.Properties!.ReservedConcurrentExecutions).toBe(prod.config.capacity.reservedConcurrency.RouteEvents);
    const webhook = mappingOf(prod, 'webhook');
    // The mapping names the function's live alias: `<function name>:live`, the name from the alias's ARN.
    const aliasId = JSON.stringify(webhook.Properties!.FunctionName).match(/"Ref":"([^"]+)"/)![1]!;
    const functionId = (prod.api.toJSON().Resources[aliasId].Properties.FunctionName as { Ref: string }).Ref;
    const webhookFn = resources(prod.api, 'AWS::Lambda::Function')[functionId]!;
    expect(webhookFn.Properties!.ReservedConcurrentExecutions).toBe(prod.config.capacity.reservedConcurrency.DeliverWebhook);
    // Reserved at least what its event source may run at once, or the poller's batches are throttled.
    expect(prod.config.capacity.reservedConcurrency.DeliverWebhook).toBeGreaterThanOrEqual(prod.config.capacity.queueConcurrency.webhook);
    for (const fn of Object.values(resources(dev.api, 'AWS::Lambda::Function'))) expect(fn.Properties!.ReservedConcurrentExecutions).toBeUndefined();
    expect(fnOf(dev, 'worker: table-stream').Properties!.ReservedConcurrentExecutions).toBeUndefined();
  });

  test.each(['dev', 'prod'] as const)('%s: each queue event source runs at most its capacity\'s concurrent batches', (stage) => {
    const app = stage === 'dev' ? dev : prod;
    for (const queue of QUEUE_NAMES) {
      expect([queue, mappingOf(app, queue).Properties!.ScalingConfig]).toEqual([queue, { MaximumConcurrency: app.config.capacity.queueConcurrency[queue] }]);
    }
  });

  test('prod carries 1 000 sessions a second: webhooks at a 500 ms merchant, e-mail and SMS within the SES/SNS quotas (never below Lambda\'s minimum of 2)', () => {
    expect(prod.config.capacity.sessionsPerSecond).toBe(1000);
    expect(prod.config.capacity.queueConcurrency.webhook).toBe(50);
    expect(queueSlots('email', 14)).toBe(2);
    expect(queueSlots('email', 1000)).toBe(15);
    expect(queueSlots('sms', 20)).toBe(2);
    expect(queueSlots('webhook', 10_000)).toBe(500);
    // 1 000 creates a second fit one route's throttle, with room for a burst.
    expect(prod.config.apiThrottle.rateLimit).toBeGreaterThanOrEqual(2 * prod.config.capacity.sessionsPerSecond);
  });
});
