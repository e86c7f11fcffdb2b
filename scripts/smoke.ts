import { parseArgs } from 'node:util';
import { readSecretOption, secretOptions } from './secret-option';

/**
 * `npm run smoke -- --url <ApiUrl> --key-file <path>` (or `--key-stdin`, or CHECKOUT_API_KEY):
 * the post-deploy check, also for DevOps after any deploy. It creates a session, retrieves it,
 * cancels it and reads /openapi.json against the deployed API, prints one JSON document (each
 * step, its status and time) and exits 1 when a step fails. The key never goes on the command
 * line (shell history, `ps`). The session it creates is canceled, so it never expires into a
 * webhook; it does count in the metrics as created and canceled.
 */
interface Step {
  step: string;
  ok: boolean;
  status?: number;
  ms: number;
  detail?: string;
}

async function readKey(values: Record<string, unknown>): Promise<string> {
  const key = await readSecretOption(values, 'key', 'CHECKOUT_API_KEY');
  if (key === undefined) throw new Error('Give the API key with --key-file, --key-stdin or CHECKOUT_API_KEY.');
  return key;
}

export async function smoke(baseUrl: string, apiKey: string, pgCode?: string): Promise<{ ok: boolean; steps: Step[] }> {
  const base = baseUrl.replace(/\/+$/, '');
  const steps: Step[] = [];
  const call = async (step: string, method: string, path: string, body?: unknown, expect = 200, auth = true) => {
    const started = Date.now();
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { ...(auth ? { authorization: `Api-Key ${apiKey}` } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    }).catch((error: Error) => error);
    if (response instanceof Error) {
      steps.push({ step, ok: false, ms: Date.now() - started, detail: response.message });
      return undefined;
    }
    const json = (await response.json().catch(() => undefined)) as Record<string, any> | undefined;
    const ok = response.status === expect;
    steps.push({ step, ok, status: response.status, ms: Date.now() - started, ...(ok ? {} : { detail: `expected ${expect}; request id ${response.headers.get('x-request-id') ?? '?'}` }) });
    return ok ? json : undefined;
  };
  const methods = pgCode ? undefined : await call('payment-methods', 'POST', '/b/pbl/v2/payment-methods/', { plugin: 'payment_request' });
  const code = pgCode ?? methods?.payment_methods?.[0]?.code;
  const currency = methods?.payment_methods?.[0]?.default_currency ?? 'KWD';
  if (code) {
    const created = await call('create', 'POST', '/b/checkout/v1/pymt-txn/', { type: 'payment_request', pg_codes: [code], amount: '1', currency_code: currency, order_no: `smoke-${Date.now()}` }, 201);
    const id = created?.session_id as string | undefined;
    if (id) {
      const read = await call('retrieve', 'GET', `/b/checkout/v1/pymt-txn/${id}/`, undefined, 200, false);
      if (read && read.session_id !== id) steps.push({ step: 'retrieve matches', ok: false, ms: 0, detail: 'another session came back' });
      await call('cancel', 'POST', '/b/pbl/v2/operation/', { session_id: id, operation: 'cancel' });
    }
  } else if (!steps.some((s) => !s.ok)) {
    steps.push({ step: 'payment-methods', ok: false, ms: 0, detail: 'no gateway configured for this key (npm run admin -- add-gateway)' });
  }
  const openapi = await call('openapi.json', 'GET', '/openapi.json', undefined, 200, false);
  if (openapi && typeof openapi.openapi !== 'string') steps.push({ step: 'openapi.json is a document', ok: false, ms: 0 });
  return { ok: steps.every((s) => s.ok), steps };
}

if (require.main === module) {
  (async () => {
    const { values } = parseArgs({ options: { url: { type: 'string' }, ...secretOptions('key'), 'pg-code': { type: 'string' } }, strict: true });
    if (!values.url) throw new Error('usage: npm run smoke -- --url <ApiUrl> --key-file <path> [--pg-code <code>]');
    const result = await smoke(values.url, await readKey(values), values['pg-code']);
    console.log(JSON.stringify(result, null, 2));
    process.exitCode = result.ok ? 0 : 1;
  })().catch((error: unknown) => {
    console.log(JSON.stringify({ ok: false, error: error instanceof Error ? error.message : String(error) }));
    process.exitCode = 2;
  });
}
