import type { Needs } from '../../functions/config/needs';
import { ROUTES } from '../../functions/config/routes';
import { coldBuild, FUNCTIONS, templateEnvironment as environmentOf } from '../fixtures/function-usage';
import { synthStage, type SynthesizedApp } from './synth-app';

/**
 * What each Lambda ships with against what its entry builds: its `build()` (the adapter
 * factories of its handler module) runs with exactly the environment the template gives it, in a
 * fresh module registry, as a cold start would. A missing variable or a missing grant fails here,
 * not on AWS. (test/infra/least-privilege.test.ts checks the statements the template grants.)
 */

let dev: SynthesizedApp;
beforeAll(() => {
  dev = synthStage('dev');
});

const templateEnvironment = (id: string, kind: 'route' | 'worker') => environmentOf(dev, id, kind);

/** Where the grants a function gets differ from what its adapters may use; empty when they match. */
export function grantProblems(granted: Needs, used: Needs[]): string[] {
  const problems: string[] = [];
  const union = <T>(pick: (n: Needs) => readonly T[] | undefined) => new Set(used.flatMap((n) => [...(pick(n) ?? [])]));
  const uses = {
    table: union((n) => n.table),
    bucket: union((n) => n.bucket),
    sendTo: union((n) => n.sendTo),
    deadLetterTo: union((n) => n.deadLetterTo),
  };
  for (const kind of ['table', 'bucket'] as const) {
    const given = granted[kind] ?? [];
    if (uses[kind].size > 0 && given.length === 0) problems.push(`its adapters use the ${kind} but it has no ${kind} grant`);
    if (uses[kind].size === 0 && given.length > 0) problems.push(`it is granted the ${kind} but builds nothing that uses it`);
    for (const action of given) if (!uses[kind].has(action as never)) problems.push(`${kind} action ${action} is granted but no adapter it builds uses it`);
    if (given.length > 0) for (const action of uses[kind]) if (!(given as readonly string[]).includes(action)) problems.push(`${kind} action ${action} is used but not granted`);
  }
  for (const kind of ['sendTo', 'deadLetterTo'] as const) {
    const given = new Set(granted[kind] ?? []);
    for (const queue of uses[kind]) if (!given.has(queue)) problems.push(`${kind} ${queue} is used but not granted`);
    for (const queue of given) if (!uses[kind].has(queue)) problems.push(`${kind} ${queue} is granted but not used`);
  }
  // Leading keys: a route or worker that limits its table grant to some kinds of item must name
  // exactly the kinds its adapters touch, and only read those they only read.
  if (granted.keys) {
    const written = union((n) => n.keys);
    const readOnly = new Set([...union((n) => n.readOnlyKeys)].filter((kind) => !written.has(kind)));
    for (const kind of written) if (!granted.keys.includes(kind)) problems.push(`${kind} items are used but not in its keys`);
    for (const kind of granted.keys) if (!written.has(kind)) problems.push(`${kind} items are in its keys but nothing it builds uses them`);
    const grantedReadOnly = granted.readOnlyKeys ?? [];
    for (const kind of readOnly) if (!grantedReadOnly.includes(kind)) problems.push(`${kind} items are read but not in its readOnlyKeys`);
    for (const kind of grantedReadOnly) if (!readOnly.has(kind)) problems.push(`${kind} items are in its readOnlyKeys but ${written.has(kind) ? 'also written' : 'not read'}`);
    const undeclared = used.filter((n) => n.table && !n.keys && !n.readOnlyKeys);
    if (undeclared.length > 0) problems.push('an adapter it builds declares no item keys');
  }
  for (const flag of ['webhookKey', 'csrfKey', 'gatewaySecrets', 'email', 'sms'] as const) {
    const usesIt = used.some((n) => n[flag]);
    if (usesIt !== Boolean(granted[flag])) problems.push(usesIt ? `${flag} is used but not granted` : `${flag} is granted but not used`);
  }
  return problems;
}

describe.each(FUNCTIONS.map((f) => [f.id, f] as const))('%s', (id, fn) => {
  test('builds at cold start from the environment the template gives it, and is granted exactly what it builds', () => {
    const env = templateEnvironment(id, fn.kind);
    const usage = coldBuild(fn.handler, env);
    expect(grantProblems(fn.needs ?? {}, usage.needs)).toEqual([]);
    // Every variable it read is set there (a build that threw would not get here).
    const { checkEnvironment } = require('../../functions/config/env') as typeof import('../../functions/config/env');
    expect(checkEnvironment(usage.variables, env)).toEqual([]);
  });
});

test('a function without the variables its adapters read fails its cold start, naming the variable', () => {
  const env = templateEnvironment('SendEmail', 'worker');
  const { CHECKOUT_PUBLIC_URL: _dropped, ...withoutUrl } = env;
  expect(() => coldBuild('queue/send-email', withoutUrl)).toThrow('CHECKOUT_PUBLIC_URL is not set.');
  const { CHECKOUT_TABLE: _table, ...withoutTable } = env;
  expect(() => coldBuild('queue/send-email', withoutTable)).toThrow('CHECKOUT_TABLE is not set.');
});

test('a grant missing from the route table, or one nothing uses, is reported', () => {
  const create = ROUTES.find((r) => r.id === 'CreateSession')!;
  const usage = coldBuild(create.handler, templateEnvironment('CreateSession', 'route'));
  expect(grantProblems({ ...create.needs, bucket: [] }, usage.needs)).toEqual(['its adapters use the bucket but it has no bucket grant']);
  expect(grantProblems({ ...create.needs, sms: true }, usage.needs)).toEqual(['sms is granted but not used']);
  // One table action short: the write would be refused on AWS, at run time.
  expect(grantProblems({ ...create.needs, table: create.needs!.table!.filter((action) => action !== 'UpdateItem') }, usage.needs)).toEqual(['table action UpdateItem is used but not granted']);
  // One too many: an action no adapter it builds sends.
  expect(grantProblems({ ...create.needs, table: [...create.needs!.table!, 'ConditionCheckItem'] }, usage.needs)).toEqual(['table action ConditionCheckItem is granted but no adapter it builds uses it']);
});

test('the icon builds no adapter and reads no setting', () => {
  const usage = coldBuild('http/static-icon', {});
  expect(usage.needs).toEqual([]);
  expect([...usage.variables]).toEqual([]);
});
