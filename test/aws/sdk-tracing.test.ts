import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { createSocket } from 'node:dgram';
import type { AddressInfo } from 'node:net';
import { daemonAddress, parseTraceHeader, traceSdkCalls } from '../../functions/adapters/aws/sdk-tracing';
import { useEnvironment } from '../../functions/config/env';
import { createTestTable } from '../fixtures/dynamo-table';
import { describeAws, useMotoEnv } from '../fixtures/moto';

/**
 * The SDK calls' X-Ray subsegments, as a daemon receives them: a UDP listener on loopback in the
 * daemon's place, a traced client talking to DynamoDB on moto. What X-Ray itself makes of them
 * (the service map) only a real account shows (docs/runbook.md, "After the first deploy").
 */
describeAws('X-Ray subsegments of SDK calls (a UDP daemon on loopback, DynamoDB on moto)', () => {
  const ROOT = '1-6756a0b2-0123456789abcdef01234567';
  const PARENT = '53995c3f42cd8ad8';
  let table: Awaited<ReturnType<typeof createTestTable>>;
  const daemon = createSocket('udp4');
  const received: string[] = [];

  beforeAll(async () => {
    useMotoEnv();
    table = await createTestTable('tracing');
    daemon.on('message', (message) => received.push(message.toString('utf8')));
    await new Promise<void>((resolve) => daemon.bind(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    useEnvironment(process.env);
    daemon.close();
    await table.drop();
  });

  /** A traced client, and the X-Amzn-Trace-Id header of each request it sends. */
  function tracedClient() {
    const client = traceSdkCalls(new DynamoDBClient({ maxAttempts: 1 }), 'DynamoDB');
    const headers: Array<string | undefined> = [];
    client.middlewareStack.add((next) => async (args) => {
      headers.push((args.request as { headers: Record<string, string> }).headers['X-Amzn-Trace-Id']);
      return next(args);
    }, { step: 'finalizeRequest', name: 'seeHeader' });
    return { client, headers };
  }

  const documents = async (count: number, withinMs = 5000) => {
    for (let waited = 0; received.length < count && waited < withinMs; waited += 20) await new Promise((resolve) => setTimeout(resolve, 20));
    return received.splice(0).map((packet) => {
      const [header, body] = packet.split('\n');
      expect(JSON.parse(header!)).toEqual({ format: 'json', version: 1 });
      return JSON.parse(body!) as Record<string, any>;
    });
  };

  test('a sampled invocation: one subsegment per call under its trace, the trace passed on, errors and their type recorded', async () => {
    const port = (daemon.address() as AddressInfo).port;
    useEnvironment({ ...process.env, _X_AMZN_TRACE_ID: `Root=${ROOT};Parent=${PARENT};Sampled=1`, AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${port}` });
    const { client, headers } = tracedClient();
    await client.send(new GetItemCommand({ TableName: table.name, Key: { pk: { S: 'nothing' }, sk: { S: 'here' } } }));
    await expect(client.send(new GetItemCommand({ TableName: `${table.name}-missing`, Key: { pk: { S: 'x' }, sk: { S: 'y' } } }))).rejects.toThrow();
    const [ok, failed] = await documents(2);
    expect(ok).toMatchObject({ type: 'subsegment', name: 'DynamoDB', namespace: 'aws', trace_id: ROOT, parent_id: PARENT, aws: { operation: 'GetItem', table_name: table.name }, http: { response: { status: 200 } } });
    expect(ok!.id).toMatch(/^[0-9a-f]{16}$/);
    expect(ok!.end_time).toBeGreaterThanOrEqual(ok!.start_time);
    expect(ok).not.toHaveProperty('error');
    expect(failed).toMatchObject({ aws: { operation: 'GetItem' }, error: true, fault: false, http: { response: { status: 400 } }, cause: { exceptions: [{ type: 'ResourceNotFoundException' }] } });
    // The downstream request names the subsegment as its parent.
    expect(headers).toEqual([`Root=${ROOT};Parent=${ok!.id};Sampled=1`, `Root=${ROOT};Parent=${failed!.id};Sampled=1`]);
    // Never a key or a message: they may hold customer data.
    expect(JSON.stringify([ok, failed])).not.toContain('nothing');
    client.destroy();
  });

  test('no trace (not on Lambda, the local runtimes) or an unsampled one: no document, no header, nothing logged', async () => {
    const port = (daemon.address() as AddressInfo).port;
    for (const trace of [undefined, `Root=${ROOT};Parent=${PARENT};Sampled=0`]) {
      useEnvironment({ ...process.env, _X_AMZN_TRACE_ID: trace, AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${port}` });
      const { client, headers } = tracedClient();
      const logged = jest.spyOn(console, 'error');
      await client.send(new GetItemCommand({ TableName: table.name, Key: { pk: { S: 'a' }, sk: { S: 'b' } } }));
      expect(headers).toEqual([undefined]);
      expect(logged).not.toHaveBeenCalled();
      logged.mockRestore();
      client.destroy();
    }
    // Datagrams on loopback arrive within milliseconds: half a second of nothing is nothing sent.
    expect(await documents(1, 500)).toEqual([]);
  });

  test('the trace header and the daemon address as Lambda writes them', () => {
    expect(parseTraceHeader(`Root=${ROOT};Parent=${PARENT};Sampled=1;Lineage=a87bd80c:1|68fd508a:5`)).toEqual({ root: ROOT, parent: PARENT, sampled: true });
    expect(parseTraceHeader(`Root=${ROOT}`)).toBeUndefined();
    expect(daemonAddress('169.254.79.129:2000')).toEqual({ host: '169.254.79.129', port: 2000 });
    expect(daemonAddress('tcp:127.0.0.1:2000 udp:127.0.0.2:2001')).toEqual({ host: '127.0.0.2', port: 2001 });
    expect(daemonAddress(undefined)).toBeUndefined();
  });
});
