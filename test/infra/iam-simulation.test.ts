import { ROUTES } from '../../functions/config/routes';
import { isAllowed, type IamRequest, type Statement } from '../fixtures/iam-policy';
import { resolveValue } from '../fixtures/template-values';
import { synthStage, type SynthesizedApp } from './synth-app';

/**
 * The synthesized roles, evaluated as IAM would (test/fixtures/iam-policy.ts): the public checkout
 * functions (no credentials) write session items only, read the configuration but cannot write
 * it, and cannot read the webhook key; only the functions that sign can. The local cloud runs on
 * moto without IAM enforcement, so this evaluation of the template is the proof; the function
 * wiring test proves each grant matches what the function's adapters use.
 */

let dev: SynthesizedApp;
beforeAll(() => {
  dev = synthStage('dev');
});

function roleStatements(route: string): Statement[] {
  const { method, path } = ROUTES.find((r) => r.id === route)!;
  const api = dev.api.toJSON();
  const [functionId] = Object.entries(dev.api.findResources('AWS::Lambda::Function', { Properties: { Description: `${method} ${path}` } })).map(([id]) => id);
  const roleId: string = api.Resources[functionId!].Properties.Role['Fn::GetAtt'][0];
  const policies = Object.values(dev.api.findResources('AWS::IAM::Policy')).filter((p: any) => p.Properties.Roles.some((r: { Ref: string }) => r.Ref === roleId));
  const statements = policies.flatMap((p: any) => p.Properties.PolicyDocument.Statement as Statement[]);
  // Resource ARNs as AWS would see them (the Data stack's SSM parameters resolved).
  return statements.map((s) => ({ ...s, Resource: [s.Resource].flat().map((r) => resolveValue(r, api as never, [dev.data.toJSON() as never])) }));
}

const dataArn = (logicalPrefix: string, type: string) => {
  const [id] = Object.keys(dev.data.findResources(type)).filter((key) => key.startsWith(logicalPrefix));
  return resolveValue(type === 'AWS::DynamoDB::Table' ? { 'Fn::GetAtt': [id, 'Arn'] } : { Ref: id }, dev.data.toJSON() as never);
};
const item = (action: string, pk: string): IamRequest => ({ action: `dynamodb:${action}`, resource: dataArn('Table', 'AWS::DynamoDB::Table'), context: { 'dynamodb:LeadingKeys': [pk] } });
const secret = (prefix: string): IamRequest => ({ action: 'secretsmanager:GetSecretValue', resource: dataArn(prefix, 'AWS::SecretsManager::Secret') });
const S = `SESSION#${'a'.repeat(40)}`;

describe.each(['CheckoutPage', 'CheckoutPay'])('%s (public, no credentials)', (route) => {
  let statements: Statement[];
  beforeAll(() => {
    statements = roleStatements(route);
  });

  test('writes session items and order_no claims; reads the configuration', () => {
    for (const action of ['GetItem', 'PutItem', 'UpdateItem']) expect([action, isAllowed(statements, item(action, S))]).toEqual([action, true]);
    expect(isAllowed(statements, item('PutItem', 'ORDERNO#order-1'))).toBe(true);
    expect(isAllowed(statements, item('GetItem', 'CONFIG'))).toBe(true);
  });

  test('cannot write the configuration, the audit trail or any other item', () => {
    for (const action of ['PutItem', 'UpdateItem', 'DeleteItem']) expect([action, isAllowed(statements, item(action, 'CONFIG'))]).toEqual([action, false]);
    for (const pk of ['AUDIT#2026-11-25', 'AUTHFAIL#x', 'KEYUSE#x', 'SHORT#x', 'EXPIRY_CURSOR']) expect([pk, isAllowed(statements, item('PutItem', pk))]).toEqual([pk, false]);
    // The pay function claims the paid webhook's delivery (an idempotency record); the page does not.
    expect(isAllowed(statements, item('PutItem', 'IDEMPOTENCY#x'))).toBe(route === 'CheckoutPay');
    // A request touching a session and the configuration at once is refused as a whole.
    expect(isAllowed(statements, { ...item('GetItem', S), context: { 'dynamodb:LeadingKeys': [S, 'CONFIG'] } })).toBe(false);
    expect(isAllowed(statements, item('Scan', S))).toBe(false);
  });

  test('reads its own CSRF secret; the page never the webhook key (pay signs the paid webhook it sends first)', () => {
    expect(isAllowed(statements, secret('CsrfSecret'))).toBe(true);
    expect(isAllowed(statements, secret('WebhookKey'))).toBe(route === 'CheckoutPay');
  });
});

test('the functions that sign read the webhook key; the authenticated ones write the configuration only to rehash a password', () => {
  expect(isAllowed(roleStatements('SessionOperation'), secret('WebhookKey'))).toBe(true);
  expect(isAllowed(roleStatements('SessionOperation'), secret('CsrfSecret'))).toBe(false);
  const create = roleStatements('CreateSession');
  expect(isAllowed(create, secret('WebhookKey'))).toBe(false);
  expect(isAllowed(create, item('PutItem', 'CONFIG'))).toBe(true);
  expect(isAllowed(create, item('PutItem', 'EXPIRY_CURSOR'))).toBe(false);
});

test('the evaluator itself: an explicit deny wins, an unknown condition operator fails loudly', () => {
  const allow: Statement = { Effect: 'Allow', Action: 'dynamodb:*', Resource: '*' };
  expect(isAllowed([allow], item('PutItem', 'CONFIG'))).toBe(true);
  expect(isAllowed([allow, { Effect: 'Deny', Action: 'dynamodb:PutItem', Resource: '*' }], item('PutItem', 'CONFIG'))).toBe(false);
  expect(isAllowed([], item('GetItem', S))).toBe(false);
  expect(() => isAllowed([{ ...allow, Condition: { NumericLessThan: { 'x': '1' } } }], item('GetItem', S))).toThrow(/does not evaluate NumericLessThan/);
});

