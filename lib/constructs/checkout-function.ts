import { Stack, Token, Validations, type Duration, type RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Effect, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EXPIRY_INDEX, KEY_PREFIXES, type KeyKind } from '../../functions/config/table';
import type { BucketAction, TableAction } from '../../functions/config/needs';
import { LAMBDA_BUNDLING } from './lambda-bundling';

const PROJECT_ROOT = resolve(__dirname, '..', '..');
const HANDLERS = join(PROJECT_ROOT, 'functions', 'handlers');

export { REQUIRE_BANNER } from './lambda-bundling';

export interface CheckoutFunctionProps {
  /** Module under functions/handlers exporting `handler`, e.g. `http/retrieve-session`. */
  handler: string;
  description?: string;
  memorySize: number;
  timeout: Duration;
  logRetention: RetentionDays;
  removalPolicy: RemovalPolicy;
  /** CHECKOUT_* and Powertools settings; every function of the app gets the same set. */
  environment: Record<string, string>;
}

/**
 * The one Lambda shape of the app: nodejs22.x on arm64, a minified ESM bundle with source maps
 * built locally by esbuild (no Docker), X-Ray active, its own log group with the stage's
 * retention, and a role that starts with nothing but writing to that log group. Access to data
 * is added per function with the `bind*` helpers below.
 */
export class CheckoutFunction extends NodejsFunction {
  constructor(scope: Construct, id: string, props: CheckoutFunctionProps) {
    const entry = join(HANDLERS, `${props.handler}.ts`);
    if (!existsSync(entry)) throw new Error(`${id}: handler module functions/handlers/${props.handler}.ts does not exist.`);
    const logGroup = new LogGroup(scope, `${id}Logs`, { retention: props.logRetention, removalPolicy: props.removalPolicy });
    // Our own role instead of the default one with AWSLambdaBasicExecutionRole: that managed
    // policy lets the function write to every log group of the account.
    const role = new Role(scope, `${id}Role`, { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
    super(scope, id, {
      entry,
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      tracing: Tracing.ACTIVE,
      logGroup,
      role,
      projectRoot: PROJECT_ROOT,
      depsLockFilePath: join(PROJECT_ROOT, 'package-lock.json'),
      environment: { ...props.environment, NODE_OPTIONS: '--enable-source-maps' },
      // One place for the bundling settings, shared with the benchmarks (bench/bundle-size.ts).
      bundling: { ...LAMBDA_BUNDLING, mainFields: [...LAMBDA_BUNDLING.mainFields], externalModules: [] },
    });
    logGroup.grantWrite(role);
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-L1',
      reason: 'nodejs22.x is the runtime DESIGN.md fixes (middy 6, Powertools 2 and the test toolchain are verified on it); moving to nodejs24.x is a deliberate upgrade.',
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray PutTraceSegments/PutTelemetryRecords (tracing: ACTIVE) support no resource-level permissions.',
    });
  }
}

const unique = <T>(items: readonly T[]): T[] => [...new Set(items)];

/**
 * DynamoDB item actions on the table, and `Query` on its expiry index (gsi1) only; `QueryTable`
 * is a Query of the base table, granted like an item action (limited to the partitions of the
 * kinds named), and item actions mean nothing on an index. With `keys`, the item
 * actions reach only items whose partition key is of those kinds (IAM's `dynamodb:LeadingKeys`),
 * and `readOnlyKeys` are read only: the public checkout functions cannot write the configuration.
 */
export function bindTable(fn: CheckoutFunction, table: ITable, actions: readonly TableAction[], keys?: readonly KeyKind[], readOnlyKeys: readonly KeyKind[] = []): void {
  const itemActions = unique(actions.filter((a) => a !== 'Query'));
  const on = (kinds: readonly KeyKind[]) => ({ 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': leadingKeyPatterns(kinds) } });
  if (itemActions.length > 0) {
    fn.addToRolePolicy(new PolicyStatement({ actions: unique(itemActions.map(iamAction)), resources: [table.tableArn], conditions: keys ? on(keys) : undefined }));
  }
  const reads = itemActions.filter((a) => READ_ACTIONS.includes(a));
  if (keys && readOnlyKeys.length > 0 && reads.length > 0) {
    fn.addToRolePolicy(new PolicyStatement({ actions: unique(reads.map(iamAction)), resources: [table.tableArn], conditions: on(readOnlyKeys) }));
  }
  if (actions.includes('Query')) fn.addToRolePolicy(new PolicyStatement({ actions: ['dynamodb:Query'], resources: [`${table.tableArn}/index/${EXPIRY_INDEX}`] }));
}

const READ_ACTIONS: readonly TableAction[] = ['GetItem', 'BatchGetItem', 'QueryTable'];
const iamAction = (action: TableAction) => `dynamodb:${action === 'QueryTable' ? 'Query' : action}`;

/**
 * IAM patterns of the partition keys of these kinds of item: `SESSION#*` for a prefix; `CONFIG`
 * exactly; the sweep's cursors `EXPIRY_CURSOR` and `EXPIRY_CURSOR#<shard>`.
 */
export function leadingKeyPatterns(keys: readonly KeyKind[]): string[] {
  return unique(keys)
    .flatMap((kind) => {
      const prefix = KEY_PREFIXES[kind];
      if (prefix.endsWith('#')) return [`${prefix}*`];
      return kind === 'config' ? [prefix] : [prefix, `${prefix}#*`];
    })
    .sort();
}

/**
 * Lets the function send to the queue, and nothing else: its URL comes from the environment
 * (CDK's grantSendMessages would add GetQueueAttributes and GetQueueUrl). Consumers get
 * receive/delete from their trigger.
 */
export function bindQueue(fn: CheckoutFunction, queue: IQueue): void {
  fn.addToRolePolicy(new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [queue.queueArn] }));
}

/**
 * Lets a consumer dead-letter a message itself (with its reason): the DLQ is found from the work
 * queue's RedrivePolicy (GetQueueAttributes) and then by name (GetQueueUrl), and sent to.
 */
export function bindDeadLetterQueue(fn: CheckoutFunction, queue: IQueue, dlq: IQueue): void {
  fn.addToRolePolicy(new PolicyStatement({ actions: ['sqs:GetQueueAttributes'], resources: [queue.queueArn] }));
  fn.addToRolePolicy(new PolicyStatement({ actions: ['sqs:GetQueueUrl', 'sqs:SendMessage'], resources: [dlq.queueArn] }));
}

/**
 * S3 object actions on the bucket, under one key prefix if given. Object actions need a key
 * pattern, which cdk-nag reports as a wildcard: that one finding is acknowledged by name. The
 * bucket ARN should be a literal or an import by export name, so the finding's name is known.
 */
export function bindBucket(fn: CheckoutFunction, bucket: IBucket, actions: readonly BucketAction[], prefix = ''): void {
  if (actions.includes('ListBucket')) {
    // Listing is a bucket-level action (it lets S3 answer 404 rather than 403 for a missing key).
    const conditions = prefix ? { StringLike: { 's3:prefix': [`${prefix}*`] } } : undefined;
    fn.addToRolePolicy(new PolicyStatement({ actions: ['s3:ListBucket'], resources: [bucket.bucketArn], conditions }));
  }
  const objectActions = unique(actions.filter((a) => a !== 'ListBucket'));
  if (objectActions.length === 0) return;
  const objects = bucket.arnForObjects(`${prefix}*`);
  fn.addToRolePolicy(new PolicyStatement({ actions: objectActions.map((a) => `s3:${a}`), resources: [objects] }));
  // cdk-nag names the finding by the resource as written: a literal, an import, or `<Ref>`
  // (a parameter, e.g. the Data stack's SSM parameter).
  const arn: unknown = Stack.of(fn).resolve(bucket.bucketArn);
  const node = arn as { 'Fn::ImportValue'?: unknown; Ref?: unknown };
  const name = typeof arn === 'string' ? arn : typeof node.Ref === 'string' ? `<${node.Ref}>` : node['Fn::ImportValue'];
  if (typeof name !== 'string') throw new Error('bindBucket: pass a bucket whose ARN is a literal, a parameter or an import by export name.');
  Validations.of(fn.role!).acknowledge({
    id: `AwsSolutions-IAM5[Resource::${name}/${prefix}*]`,
    reason: 'Object actions need a key pattern; it is limited to this one bucket and key prefix.',
  });
}

/** Reads the secret's value only (no describe, list or write). */
export function bindSecret(fn: CheckoutFunction, secret: ISecret): void {
  fn.addToRolePolicy(new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }));
}

/** Reads the payment gateways' secrets (one per gateway setting, under one name prefix) and nothing else. */
export function bindGatewaySecrets(fn: CheckoutFunction, prefix: string): void {
  const { partition, region, account } = Stack.of(fn);
  const resource = `arn:${partition}:secretsmanager:${region}:${account}:secret:${prefix}*`;
  fn.addToRolePolicy(new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [resource] }));
  // cdk-nag names the resource as written, with the pseudo parameters as <AWS::…>, or the
  // account and region themselves when the stack is pinned to them (prod).
  const named = (value: string, pseudo: string) => (Token.isUnresolved(value) ? `<AWS::${pseudo}>` : value);
  Validations.of(fn.role!).acknowledge({
    id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:${named(region, 'Region')}:${named(account, 'AccountId')}:secret:${prefix}*]`,
    reason: 'One secret per gateway setting (pg_code), all under this stage\'s prefix; added by npm run admin -- add-gateway.',
  });
}

/** SES SendEmail as the sender address (or its domain, whichever identity is verified). */
export function bindEmail(fn: CheckoutFunction, from: string): void {
  const { partition, region, account } = Stack.of(fn);
  const domain = from.slice(from.lastIndexOf('@') + 1);
  fn.addToRolePolicy(
    new PolicyStatement({
      actions: ['ses:SendEmail'],
      resources: [from, domain].map((identity) => `arn:${partition}:ses:${region}:${account}:identity/${identity}`),
    }),
  );
}

/** SNS Publish to phone numbers only: SMS has no resource ARN, so topics are denied explicitly. */
export function bindSms(fn: CheckoutFunction): void {
  fn.addToRolePolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: ['*'] }));
  fn.addToRolePolicy(
    new PolicyStatement({ effect: Effect.DENY, actions: ['sns:Publish'], resources: [`arn:${Stack.of(fn).partition}:sns:*:*:*`] }),
  );
  Validations.of(fn.role!).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'SMS Publish to a phone number has no resource ARN; publishing to any topic is denied by the statement after it.',
  });
}
