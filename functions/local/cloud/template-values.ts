import type { CfnTemplate } from './assembly';

/**
 * CloudFormation intrinsics resolved the way a deployment would: `Ref` and `Fn::GetAtt` through
 * `lookup` (what was created), parameters of type AWS::SSM::Parameter::Value through `parameter`,
 * `Fn::Join`, `Fn::Select`, `Fn::Split`, `Fn::Sub` (simple names) and the pseudo parameters.
 */
export interface Lookup {
  /** A resource's Ref (attribute undefined) or attribute; undefined when unknown. */
  resource(logicalId: string, attribute?: string): string | undefined;
  /** The value of an SSM parameter by name; undefined when unknown. */
  parameter?(name: string): string | undefined;
  region: string;
  account: string;
}

export function resolveValue(value: unknown, template: CfnTemplate, lookup: Lookup): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  const node = value as Record<string, any>;
  if ('Ref' in node) return refOf(node.Ref as string, template, lookup);
  if ('Fn::GetAtt' in node) {
    const [id, attribute] = node['Fn::GetAtt'] as [string, string];
    const found = lookup.resource(id, attribute);
    if (found === undefined) throw new Error(`cannot resolve ${id}.${attribute}`);
    return found;
  }
  if ('Fn::Join' in node) {
    const [separator, parts] = node['Fn::Join'] as [string, unknown[]];
    return parts.map((part) => resolveValue(part, template, lookup)).join(separator);
  }
  if ('Fn::Select' in node) {
    const [index, list] = node['Fn::Select'] as [number, unknown];
    return listOf(list, template, lookup)[Number(index)] ?? '';
  }
  if ('Fn::Sub' in node && typeof node['Fn::Sub'] === 'string') {
    return (node['Fn::Sub'] as string).replace(/\$\{([^}]+)\}/g, (_all, name: string) => {
      const [id, attribute] = name.split('.') as [string, string | undefined];
      return attribute ? resolveValue({ 'Fn::GetAtt': [id, attribute] }, template, lookup) : refOf(id, template, lookup);
    });
  }
  throw new Error(`cannot resolve ${JSON.stringify(value)}`);
}

function listOf(value: unknown, template: CfnTemplate, lookup: Lookup): string[] {
  if (Array.isArray(value)) return value.map((item) => resolveValue(item, template, lookup));
  const node = value as Record<string, any>;
  if ('Fn::Split' in node) {
    const [separator, source] = node['Fn::Split'] as [string, unknown];
    return resolveValue(source, template, lookup).split(separator);
  }
  throw new Error(`cannot resolve the list ${JSON.stringify(value)}`);
}

function refOf(id: string, template: CfnTemplate, lookup: Lookup): string {
  const pseudo: Record<string, string> = {
    'AWS::Region': lookup.region,
    'AWS::AccountId': lookup.account,
    'AWS::Partition': 'aws',
    'AWS::URLSuffix': 'amazonaws.com',
  };
  if (id in pseudo) return pseudo[id]!;
  const parameter = template.Parameters?.[id];
  if (parameter) {
    if (!parameter.Type.startsWith('AWS::SSM::Parameter::Value') || !parameter.Default) throw new Error(`cannot resolve the parameter ${id}`);
    const value = lookup.parameter?.(parameter.Default);
    if (value === undefined) throw new Error(`no SSM parameter ${parameter.Default} (is the Data stack created?)`);
    return value;
  }
  const found = lookup.resource(id);
  if (found === undefined) throw new Error(`cannot resolve Ref ${id}`);
  return found;
}
