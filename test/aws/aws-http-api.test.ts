import { randomBytes } from 'node:crypto';
import { dynamoDocumentClient } from '../../functions/adapters/aws/aws-clients';
import { ActivityLog } from '../../functions/local/activity-log';
import { startLocalAws } from '../../functions/local/local-aws-runtime';
import { countCalls } from '../fixtures/dynamo-table';
import { DEMO_ENV, requester, seedBody, startTestApi, type ApiRequest } from '../fixtures/local-api';
import { awsTestEnv, describeAws, useMotoEnv } from '../fixtures/moto';

const PATH = '/b/checkout/v1/pymt-txn/';

type Step = { step: string; status: number; body: unknown; replayed?: string | null };

/** The same conversation with the API, whatever stores are underneath. */
async function scenario(request: ApiRequest, afterEach: (step: string) => void = () => undefined): Promise<Step[]> {
  const steps: Step[] = [];
  const record = async (step: string, call: Promise<Awaited<ReturnType<ApiRequest>>>) => {
    const response = await call;
    steps.push({ step, status: response.status, body: response.json, replayed: response.headers.get('idempotent-replayed') });
    afterEach(step);
    return response;
  };
  const created = await record('create', request('POST', PATH, { body: { ...seedBody(), order_no: 'ORDER-1' } }));
  const id = created.json.session_id as string;
  await record('retrieve', request('GET', `${PATH}${id}/`, { auth: 'none' }));
  await record('patch', request('PATCH', `${PATH}${id}/`, { body: { amount: '20.5', customer_first_name: 'Ada' } }));
  await record('put', request('PUT', `${PATH}${id}/`, { body: { ...seedBody(), amount: '7', order_no: 'ORDER-2' } }));
  await record('400 bad amount', request('POST', PATH, { body: { ...seedBody(), amount: '1.2345' } }));
  await record('400 order_no moved by PUT is taken', request('POST', PATH, { body: { ...seedBody(), order_no: 'ORDER-2' } }));
  await record('order_no released by PUT is free', request('POST', PATH, { body: { ...seedBody(), order_no: 'ORDER-1' } }));
  const keyed = { headers: { 'idempotency-key': 'key-1' } };
  await record('create with Idempotency-Key', request('POST', PATH, { ...keyed, body: seedBody() }));
  await record('replay', request('POST', PATH, { ...keyed, body: seedBody() }));
  await record('409 key reused with another body', request('POST', PATH, { ...keyed, body: { ...seedBody(), amount: '15' } }));
  await record('404', request('GET', `${PATH}${'0'.repeat(40)}/`, { auth: 'none' }));
  return steps;
}

/** Ids, times and the port differ between runs; everything else must not. */
function normalised(steps: Step[], baseUrl: string): unknown {
  const ids = new Map<string, string>();
  const text = JSON.stringify(steps)
    .split(baseUrl)
    .join('<base>')
    .replace(/[0-9a-f]{40}/g, (id) => {
      if (!ids.has(id)) ids.set(id, `<session ${ids.size + 1}>`);
      return ids.get(id)!;
    })
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>');
  return JSON.parse(text);
}

describeAws('HTTP API over CHECKOUT_BACKEND=aws (moto)', () => {
  test('answers exactly as over the embedded stores, with the DynamoDB calls docs/dynamodb.md counts', async () => {
    const embedded = await startTestApi();
    const expected = normalised(await scenario(embedded.request), embedded.url);
    await embedded.close();

    useMotoEnv();
    const suffix = `${process.pid}-${randomBytes(3).toString('hex')}`;
    const env = { ...DEMO_ENV, ...awsTestEnv(), CHECKOUT_STAGE: `http-${suffix}`, CHECKOUT_TABLE: `http-api-${suffix}` };
    const activity = new ActivityLog();
    const aws = await startLocalAws({ port: 0, env, bootstrap: true, activity });
    expect(aws.credentials?.apiKey).toBe(DEMO_ENV.CHECKOUT_DEMO_API_KEY);
    const calls = countCalls(dynamoDocumentClient());
    const perStep: Record<string, Record<string, number>> = {};
    calls.reset();
    const actual = normalised(
      await scenario(requester(aws.url), (step) => {
        perStep[step] = { ...calls.counts };
        calls.reset();
      }),
      aws.url,
    );
    await aws.close();

    expect(actual).toEqual(expected);
    // npm start's console hears of every request here too.
    expect(activity.entries.map((entry) => [entry.kind, entry.status])).toEqual((actual as Step[]).map((step) => ['request', step.status]));
    expect((expected as Step[]).map((s) => s.status)).toEqual([201, 200, 200, 200, 400, 400, 201, 201, 201, 409, 404]);
    expect(perStep).toEqual({
      // Each route is its own function, as on Lambda: its first request also reads the
      // configuration (then cached for 30 s).
      create: { GetItem: 1, TransactWriteItems: 1 },
      retrieve: { GetItem: 1 },
      // One conditional PutItem carries the change and its event; a transaction only moves an order_no claim.
      patch: { GetItem: 2, PutItem: 1 },
      put: { GetItem: 2, TransactWriteItems: 1 },
      '400 bad amount': {},
      '400 order_no moved by PUT is taken': { TransactWriteItems: 1 },
      'order_no released by PUT is free': { TransactWriteItems: 1 },
      'create with Idempotency-Key': { PutItem: 3 },
      replay: { PutItem: 1 },
      '409 key reused with another body': { PutItem: 1 },
      '404': { GetItem: 1 },
    });
    // Two whole scenarios, every handler loaded cold: about 10 s alone, over 30 s on a busy machine.
  }, 120_000);
});
