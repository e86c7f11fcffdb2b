import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A synthesized stage as the local cloud reads it: the two templates of a cloud assembly (the
 * cdk.out of `cdk synth -c stage=…`) and where each function's bundled asset is.
 */

export interface CfnResource {
  Type: string;
  Properties?: Record<string, any>;
  Metadata?: Record<string, any>;
}

export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Parameters?: Record<string, { Type: string; Default?: string }>;
  Outputs?: Record<string, { Value: unknown }>;
}

export interface StackTemplate {
  stackName: string;
  template: CfnTemplate;
}

export interface Assembly {
  dir: string;
  stage: string;
  data: StackTemplate;
  api: StackTemplate;
}

interface Manifest {
  artifacts: Record<string, { type: string; properties?: { templateFile?: string } }>;
}

/** The Data and Api stacks of `stage` in the cloud assembly at `dir`. */
export function readAssembly(dir: string, stage: string): Assembly {
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
  const stack = (name: string): StackTemplate => {
    const artifact = manifest.artifacts[name];
    if (artifact?.type !== 'aws:cloudformation:stack' || !artifact.properties?.templateFile) {
      throw new Error(`the cloud assembly at ${dir} has no stack ${name} (synthesize it with: npx cdk synth -c stage=${stage})`);
    }
    return { stackName: name, template: JSON.parse(readFileSync(join(dir, artifact.properties.templateFile), 'utf8')) as CfnTemplate };
  };
  return { dir, stage, data: stack(`Checkout-${stage}-Data`), api: stack(`Checkout-${stage}-Api`) };
}

export function resourcesOfType(template: CfnTemplate, type: string): Array<[string, CfnResource]> {
  return Object.entries(template.Resources).filter(([, resource]) => resource.Type === type);
}

/** The Lambda functions of a template with their bundled code (asset directory + `index.handler`). */
export interface FunctionSpec {
  logicalId: string;
  /** The function's id in the route/worker table when the template says (its log group is `<id>Logs…`). */
  name: string;
  file: string;
  exportName: string;
  timeoutSeconds: number;
  memoryMb: number;
  environment: Record<string, unknown>;
}

export function functionsOf(assembly: Assembly): FunctionSpec[] {
  return resourcesOfType(assembly.api.template, 'AWS::Lambda::Function').map(([logicalId, resource]) => {
    const props = resource.Properties ?? {};
    const assetPath = resource.Metadata?.['aws:asset:path'] as string | undefined;
    if (!assetPath) throw new Error(`${logicalId} has no bundled asset in the assembly (synthesize with bundling)`);
    const [moduleName, exportName] = String(props.Handler ?? 'index.handler').split('.') as [string, string];
    const logGroup = props.LoggingConfig?.LogGroup?.Ref as string | undefined;
    const name = logGroup ? logGroup.replace(/Logs[0-9A-F]{8}$/, '') : logicalId;
    return {
      logicalId,
      name,
      file: join(assembly.dir, assetPath, `${moduleName}.mjs`),
      exportName,
      timeoutSeconds: Number(props.Timeout ?? 3),
      memoryMb: Number(props.MemorySize ?? 128),
      environment: (props.Environment?.Variables ?? {}) as Record<string, unknown>,
    };
  });
}

/**
 * The AWS::Lambda::Function a template's invoker names: the function itself (`Fn::GetAtt` Arn,
 * `Ref`), or its alias (`Ref` to an AWS::Lambda::Alias, or an event source mapping's
 * `<name>:<alias>` join over the alias's ARN), which invokes the version behind it: here, the
 * function's one bundle.
 */
export function lambdaFunctionOf(node: unknown, template: CfnTemplate): string {
  const text = JSON.stringify(node ?? null);
  const ids = [...text.matchAll(/"(?:Ref|Fn::GetAtt)":(?:\["|")([A-Za-z0-9]+)"/g)].map((m) => m[1]!);
  for (const id of ids) {
    const resource = template.Resources?.[id];
    if (resource?.Type === 'AWS::Lambda::Function') return id;
    if (resource?.Type === 'AWS::Lambda::Alias') return (resource.Properties?.FunctionName as { Ref: string }).Ref;
  }
  throw new Error(`no Lambda function or alias in ${text}`);
}
