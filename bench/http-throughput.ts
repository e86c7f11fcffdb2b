import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';

/**
 * http_rps: the embedded gateway under 32 concurrent connections, the load generator
 * (autocannon) in its own process, against a bare node:http server answering the same JSON.
 */

const KEY = 'bench.http-throughput-key';
const CREATE_BODY = JSON.stringify({ type: 'payment_request', pg_codes: ['sandbox-kwd'], amount: '14', currency_code: 'KWD' });

interface Load {
  rps: number;
  p50_ms: number;
  p99_ms: number;
  errors: number;
}

function startChild(script: string, env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = fork(join(__dirname, script), [], {
    env: { ...process.env, ...env, POWERTOOLS_LOG_LEVEL: 'SILENT' },
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  return once(child, 'message').then(([message]) => ({ child, url: (message as { url: string }).url }));
}

async function load(url: string, seconds: number, request: { method: string; body?: string; headers?: Record<string, string> }): Promise<Load> {
  const { child } = { child: fork(join(__dirname, 'load-generator.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }) };
  child.send({ url, seconds, connections: 32, ...request });
  const [result] = await once(child, 'message');
  child.kill();
  return result as Load;
}

export async function httpThroughput(seconds: number) {
  const api = await startChild('serve-embedded.ts', { CHECKOUT_DEMO_API_KEY: KEY });
  try {
    const headers = { authorization: `Api-Key ${KEY}`, 'content-type': 'application/json' };
    const created = (await (await fetch(`${api.url}/b/checkout/v1/pymt-txn/`, { method: "POST", headers, body: CREATE_BODY })).json()) as { session_id: string };
    const document = JSON.stringify(created);
    const create = await load(`${api.url}/b/checkout/v1/pymt-txn/`, seconds, { method: 'POST', body: CREATE_BODY, headers });
    const retrieve = await load(`${api.url}/b/checkout/v1/pymt-txn/${created.session_id}/`, seconds, { method: 'GET' });
    const bare = await startChild('serve-floor.ts', { FLOOR_BODY: document });
    try {
      const floor = await load(bare.url, seconds, { method: 'GET' });
      return { create, retrieve, floor };
    } finally {
      bare.child.kill();
    }
  } finally {
    api.child.kill();
  }
}
