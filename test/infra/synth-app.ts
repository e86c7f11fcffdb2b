import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { addCheckoutStacks, type CheckoutAppOptions, type CheckoutStacks } from '../../lib/checkout-app';
import { stageConfig, type StageOverrides } from '../../lib/stage-config';

const ROOT = join(__dirname, '..', '..');
// The same feature flags and defaults as `npx cdk synth` (cdk.json), without the CLI.
const CDK_CONTEXT = (JSON.parse(readFileSync(join(ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;

export interface SynthOptions extends CheckoutAppOptions {
  /** Run esbuild for the functions (slow); off, the stacks get placeholder code assets. */
  bundle?: boolean;
  overrides?: StageOverrides;
  outdir?: string;
}

export interface SynthesizedApp extends CheckoutStacks {
  app: App;
  data: Template;
  api: Template;
}

export function synthStage(stage: string, options: SynthOptions = {}): SynthesizedApp {
  const context: Record<string, unknown> = { ...CDK_CONTEXT, stage };
  // CDK's own switch: bundling runs only for the stacks listed here (none = placeholder assets).
  if (!options.bundle) context['aws:cdk:bundling-stacks'] = [];
  // As the CLI does: each function's resource names its asset directory (the local cloud runs it).
  else context['aws:cdk:enable-asset-metadata'] = true;
  const app = new App({ context, outdir: options.outdir });
  const stacks = addCheckoutStacks(app, stageConfig(stage, options.overrides), options);
  return { ...stacks, app, data: Template.fromStack(stacks.stateful), api: Template.fromStack(stacks.stateless) };
}
