import { gatewaySecretPrefix } from '../../functions/config/gateway-secrets';
import { sharedParameterName } from '../../lib/stateful-stack';
import { stageConfig } from '../../lib/stage-config';
import { coldBuild, FUNCTIONS, functionLogicalId, templateEnvironment } from '../fixtures/function-usage';
import { BASELINE, grantsFor, triggerGrants, type Grant } from '../fixtures/least-privilege-model';
import { resolveValue } from '../fixtures/template-values';
import { synthStage, type SynthesizedApp } from './synth-app';

/**
 * Least privilege on what ships: for every function of the real route and worker tables, the
 * statements of its role in the synthesized template are exactly what the adapters its entry
 * builds declare (each factory's `uses(…)`), as the model in test/fixtures/least-privilege-model.ts
 * turns declarations into IAM: actions AND resources. An action or resource too many, or one
 * missing, fails here. test/aws/adapter-commands.test.ts checks those declarations against the
 * SDK commands each adapter really sends.
 */

const STAGE = 'dev';
let dev: SynthesizedApp;
let api: any;
let data: any;
/** Resolved ARN → the SSM parameter key the Data stack publishes it under. */
let named: Map<string, string>;

beforeAll(() => {
  dev = synthStage(STAGE);
  api = dev.api.toJSON();
  data = dev.data.toJSON();
  named = new Map();
  const prefix = sharedParameterName(STAGE, '');
  for (const resource of Object.values(data.Resources as Record<string, any>)) {
    if (resource.Type !== 'AWS::SSM::Parameter' || !String(resource.Properties.Name).startsWith(prefix)) continue;
    const key = String(resource.Properties.Name).slice(prefix.length);
    if (key.endsWith('-arn')) named.set(resolveValue(resource.Properties.Value, data, [api]), key);
  }
});

type Statement = { Effect: string; Action: string | string[]; Resource: unknown; Condition?: unknown };

/** The role's statements as `Effect action resource[ condition]`, resources named as the model names them. */
function grantsInTemplate(functionId: string): Grant[] {
  const fn = api.Resources[functionId];
  const roleId: string = fn.Properties.Role['Fn::GetAtt'][0];
  const logGroup = resolveValue({ 'Fn::GetAtt': [fn.Properties.LoggingConfig.LogGroup.Ref, 'Arn'] }, api, [data]);
  const nameOf = (arn: string): string => {
    if (arn === logGroup) return 'own-log-group';
    const ses = /^arn:aws:ses:[^:]+:\d+:identity\/(.+)$/.exec(arn);
    if (ses) return `ses-identity/${ses[1]}`;
    if (/^arn:[^:]+:secretsmanager:[^:]*:[^:]*:secret:/.test(arn) && arn.endsWith(`:secret:${gatewaySecretPrefix(STAGE)}*`)) return 'gateway-secrets/*';
    for (const [base, key] of named) {
      if (arn === base) return key;
      if (arn.startsWith(`${base}/`)) return `${key}${arn.slice(base.length)}`;
    }
    return arn; // '*', a pattern, or something unknown: shown as it is
  };
  const policies = Object.values(api.Resources as Record<string, any>).filter(
    (r) => r.Type === 'AWS::IAM::Policy' && (r.Properties.Roles as Array<{ Ref: string }>).some((role) => role.Ref === roleId),
  );
  const grants = new Set<Grant>();
  for (const statement of policies.flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[])) {
    const condition = statement.Condition === undefined ? '' : ` if ${JSON.stringify(statement.Condition)}`;
    for (const action of [statement.Action].flat())
      for (const resource of [statement.Resource].flat()) grants.add(`${statement.Effect} ${action} ${nameOf(resolveValue(resource, api, [data]))}${condition}`);
  }
  return [...grants].sort();
}

const emailFrom = () => stageConfig(STAGE).emailFrom;

describe.each(FUNCTIONS.map((f) => [f.id, f] as const))('%s', (id, fn) => {
  test("its role allows exactly what its adapters declare, on exactly their resources, besides its logs, X-Ray and its trigger's own", () => {
    const usage = coldBuild(fn.handler, templateEnvironment(dev, id, fn.kind));
    const expected = new Set([...BASELINE, ...triggerGrants(fn.kind === 'worker' ? fn.trigger : undefined), ...grantsFor(usage.needs, { emailFrom: emailFrom() })]);
    expect(grantsInTemplate(functionLogicalId(dev, id, fn.kind))).toEqual([...expected].sort());
  });
});

test('the model names every resource of the Data stack a grant may point at', () => {
  expect([...named.values()].sort()).toEqual(expect.arrayContaining(['table-arn', 'bucket-arn', 'webhook-secret-arn', 'webhook-queue-arn', 'webhook-dlq-arn', 'stream-failures-arn', 'table-stream-arn']));
});
