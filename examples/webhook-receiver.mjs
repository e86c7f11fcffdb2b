// A webhook receiver for the Checkout API: Node 20+, no dependencies.
//   CHECKOUT_WEBHOOK_KEY=<the "Webhook key" npm start prints> node examples/webhook-receiver.mjs
// During a key rotation give both keys, new first: CHECKOUT_WEBHOOK_KEY=<new>,<old>.
// Listens on PORT (default 4000), verifies the X-Checkout-Signature header (timestamp no older
// than 5 minutes, signature over the raw body) and Ottu's signature field, answers 200 (valid)
// or 400 (not), and prints each event. Point a session's webhook_url at http://127.0.0.1:4000/ and start the
// API with CHECKOUT_ALLOW_LOOPBACK_WEBHOOKS=1 (webhooks go to public addresses only otherwise).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

const keys = (process.env.CHECKOUT_WEBHOOK_KEY ?? '').split(',').map((k) => k.trim()).filter(Boolean);
if (keys.length === 0) {
  console.error('Set CHECKOUT_WEBHOOK_KEY to the webhook key (npm start prints it as "Webhook key").');
  process.exit(1);
}
const port = Number(process.env.PORT || 4000);

// The fields Ottu signs (docs/webhooks.md): absent, null or empty ones are left out, the rest
// sorted by key and concatenated as key + value, then HMAC-SHA256 (lowercase hex) with the key.
const SIGNED_FIELDS = [
  'amount', 'currency_code', 'customer_first_name', 'customer_last_name', 'customer_email', 'customer_phone',
  'customer_address_line1', 'customer_address_line2', 'customer_address_city', 'customer_address_state',
  'customer_address_country', 'customer_address_postal_code', 'gateway_account', 'gateway_name', 'order_no',
  'reference_number', 'result', 'state',
];

export function signature(payload, secret) {
  const message = SIGNED_FIELDS.filter((field) => payload[field] !== undefined && payload[field] !== null && payload[field] !== '')
    .sort()
    .map((field) => field + String(payload[field]))
    .join('');
  return createHmac('sha256', secret).update(message, 'utf8').digest('hex');
}

export function verify(payload, secret) {
  if (typeof payload?.signature !== 'string') return false;
  const expected = Buffer.from(signature(payload, secret), 'utf8');
  const given = Buffer.from(payload.signature.toLowerCase(), 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

// The header `X-Checkout-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>]`: one v1 per key the
// platform signs with, each HMAC-SHA256 over `<t>.<raw body>`. An old timestamp is refused, so a
// captured webhook cannot be replayed later.
export const TOLERANCE_SECONDS = 300;

export function verifyHeader(header, rawBody, secrets, nowSeconds = Date.now() / 1000) {
  if (typeof header !== 'string') return 'missing';
  const parts = header.split(',').map((part) => part.trim().split('='));
  const t = Number(parts.find(([name]) => name === 't')?.[1]);
  const given = parts.filter(([name, value]) => name === 'v1' && /^[0-9a-f]{64}$/.test(value ?? '')).map(([, value]) => Buffer.from(value, 'hex'));
  if (!Number.isInteger(t) || given.length === 0) return 'mismatch';
  if (Math.abs(nowSeconds - t) > TOLERANCE_SECONDS) return 'stale';
  const ok = secrets.some((secret) => {
    const expected = createHmac('sha256', secret).update(`${t}.`).update(rawBody).digest();
    return given.some((candidate) => timingSafeEqual(candidate, expected));
  });
  return ok ? 'ok' : 'mismatch';
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    const raw = Buffer.concat(chunks);
    let payload;
    try {
      payload = JSON.parse(raw.toString('utf8'));
    } catch {
      payload = undefined;
    }
    const header = verifyHeader(req.headers['x-checkout-signature'], raw, keys);
    const why =
      req.method !== 'POST' || !payload || typeof payload !== 'object' ? 'not a JSON POST'
      : header === 'stale' ? 'timestamp too old (a replay?)'
      : header !== 'ok' ? `signature header ${header}`
      : !keys.some((key) => verify(payload, key)) ? 'invalid signature field'
      : undefined;
    if (why) {
      console.log(`${new Date().toISOString()} rejected ${req.method} ${req.url}: ${why}`);
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: why }));
      return;
    }
    // Deliveries may repeat: a real receiver drops an event_id it has already processed.
    // A refund, capture or void (Ottu's operation webhook) carries its state in txn, the child transaction.
    const state = payload.state ?? (payload.txn && `${payload.operation} ${payload.txn.state}`);
    console.log(`${new Date().toISOString()} ${payload.event_type ?? payload.state} session ${payload.session_id} ${payload.amount} ${payload.currency_code} state=${state} result=${payload.result} event_id=${payload.event_id ?? '(status query)'}`);
    console.log(JSON.stringify(payload));
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
});

server.listen(port, '127.0.0.1', () => console.log(`Webhook receiver listening on http://127.0.0.1:${port}/`));
