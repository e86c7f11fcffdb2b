// A webhook receiver for the Checkout API: Node 20+, no dependencies.
//   CHECKOUT_WEBHOOK_KEY=<the "Webhook key" npm start prints> node examples/webhook-receiver.mjs
// Listens on PORT (default 4000), verifies Ottu's signature, answers 200 (valid) or 400 (not),
// and prints each event. Point a session's webhook_url at http://127.0.0.1:4000/ and start the
// API with CHECKOUT_ALLOW_LOOPBACK_WEBHOOKS=1 (webhooks go to public addresses only otherwise).
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';

const key = process.env.CHECKOUT_WEBHOOK_KEY;
if (!key) {
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

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    let payload;
    try {
      payload = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      payload = undefined;
    }
    if (req.method !== 'POST' || !payload || typeof payload !== 'object' || !verify(payload, key)) {
      console.log(`${new Date().toISOString()} rejected ${req.method} ${req.url}: invalid signature or body`);
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"invalid signature"}');
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
