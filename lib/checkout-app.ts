import { Tags, type App } from 'aws-cdk-lib';
import type { Route } from '../functions/config/routes';
import type { Worker } from '../functions/config/workers';
import { CheckoutStatefulStack } from './stateful-stack';
import { CheckoutStatelessStack } from './stateless-stack';
import { checkDeployable, stageConfig, type StageConfig, type StageOverrides } from './stage-config';

export interface CheckoutStacks {
  config: StageConfig;
  stateful: CheckoutStatefulStack;
  stateless: CheckoutStatelessStack;
}

export interface CheckoutAppOptions {
  routes?: readonly Route[];
  workers?: readonly Worker[];
}

/** The stage named by `-c stage=…` (default dev) with its `-c` overrides. */
export function stageFromContext(app: App): StageConfig {
  const read = (key: string): string | undefined => {
    const value: unknown = app.node.tryGetContext(key);
    return typeof value === 'string' && value !== '' ? value : undefined;
  };
  const overrides: StageOverrides = {
    alarmEmail: read('alarmEmail'),
    emailFrom: read('emailFrom'),
    publicUrl: read('publicUrl'),
    domainName: read('domainName'),
    certificateArn: read('certificateArn'),
    account: read('account'),
    region: read('region'),
    backupCopyVaultArn: read('backupCopyVaultArn'),
  };
  return stageConfig(read('stage') ?? 'dev', overrides);
}

/** Both stacks of one stage. Stack names carry the stage, so stages can share an account. */
export function addCheckoutStacks(app: App, config: StageConfig, options: CheckoutAppOptions = {}): CheckoutStacks {
  const caller = { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION };
  checkDeployable(config, caller);
  // A pinned stage names its account and region (cdk deploy then refuses other credentials);
  // otherwise the caller's, unset without credentials (environment-agnostic, which synth accepts).
  const env = { account: config.account ?? caller.account, region: config.region ?? caller.region };
  const stateful = new CheckoutStatefulStack(app, `Checkout-${config.stage}-Data`, {
    env,
    config,
    description: `Checkout API ${config.stage}: table, attachments, queues, webhook key, alarm topic`,
    terminationProtection: config.deletionProtection,
  });
  const stateless = new CheckoutStatelessStack(app, `Checkout-${config.stage}-Api`, {
    env,
    config,
    routes: options.routes,
    workers: options.workers,
    description: `Checkout API ${config.stage}: HTTP API, functions, triggers, alarms`,
  });
  // Deploy order only: the Api stack reads the Data stack's SSM parameters, it imports no export.
  stateless.addStackDependency(stateful);
  Tags.of(stateful).add('app', 'checkout-api');
  Tags.of(stateful).add('stage', config.stage);
  Tags.of(stateless).add('app', 'checkout-api');
  Tags.of(stateless).add('stage', config.stage);
  return { config, stateful, stateless };
}
