"""A webhook receiver for the Checkout API: Python 3 standard library only.

    CHECKOUT_WEBHOOK_KEY=<the "Webhook key" npm start prints> python3 examples/webhook_receiver.py

Listens on PORT (default 4000), verifies Ottu's signature, answers 200 (valid) or 400 (not), and
prints each event. Point a session's webhook_url at http://127.0.0.1:4000/ and start the API with
CHECKOUT_ALLOW_LOOPBACK_WEBHOOKS=1 (webhooks go to public addresses only otherwise).
"""
import hashlib
import hmac
import json
import os
import sys
from datetime import datetime, timezone
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# The fields Ottu signs (docs/webhooks.md): absent, null or empty ones are left out, the rest
# sorted by key and concatenated as key + value, then HMAC-SHA256 (lowercase hex) with the key.
SIGNED_FIELDS = [
    "amount", "currency_code", "customer_first_name", "customer_last_name", "customer_email", "customer_phone",
    "customer_address_line1", "customer_address_line2", "customer_address_city", "customer_address_state",
    "customer_address_country", "customer_address_postal_code", "gateway_account", "gateway_name", "order_no",
    "reference_number", "result", "state",
]


def as_text(value):
    # As JavaScript's String(value) would write the JSON value.
    if value is True:
        return "true"
    if value is False:
        return "false"
    return str(value)


def signature(payload, key):
    fields = sorted(f for f in SIGNED_FIELDS if payload.get(f) not in (None, ""))
    message = "".join(f + as_text(payload[f]) for f in fields)
    return hmac.new(key.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).hexdigest()


def verify(payload, key):
    given = payload.get("signature")
    return isinstance(given, str) and hmac.compare_digest(signature(payload, key), given.lower())


class Handler(BaseHTTPRequestHandler):
    key = ""

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        try:
            payload = json.loads(self.rfile.read(length).decode("utf-8"))
        except ValueError:
            payload = None
        now = datetime.now(timezone.utc).isoformat()
        if not isinstance(payload, dict) or not verify(payload, self.key):
            print(f"{now} rejected POST {self.path}: invalid signature or body", flush=True)
            self.answer(400, b'{"error":"invalid signature"}')
            return
        # Deliveries may repeat: a real receiver drops an event_id it has already processed.
        # A refund, capture or void (Ottu's operation webhook) carries its state in txn, the child transaction.
        txn = payload.get("txn")
        state = payload.get("state") or (f"{payload.get('operation')} {txn.get('state')}" if isinstance(txn, dict) else None)
        print(f"{now} {payload.get('event_type', payload.get('state'))} session {payload.get('session_id')} "
              f"{payload.get('amount')} {payload.get('currency_code')} state={state} "
              f"result={payload.get('result')} event_id={payload.get('event_id', '(status query)')}", flush=True)
        print(json.dumps(payload), flush=True)
        self.answer(200, b'{"ok":true}')

    def answer(self, status, body):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass  # one line per event above is enough


def main():
    key = os.environ.get("CHECKOUT_WEBHOOK_KEY")
    if not key:
        print('Set CHECKOUT_WEBHOOK_KEY to the webhook key (npm start prints it as "Webhook key").', file=sys.stderr)
        sys.exit(1)
    Handler.key = key
    port = int(os.environ.get("PORT") or 4000)
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    print(f"Webhook receiver listening on http://127.0.0.1:{port}/", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
