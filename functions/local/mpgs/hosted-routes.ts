import type { IncomingMessage, ServerResponse } from 'node:http';
import type { GatewayContext } from './context';
import { cardFormPage, checkoutScript, messagePage } from './hosted-pages';
import { redirect, sendHtml } from './http-io';
import { jsonText } from './json-text';
import { notify } from './notify-order';
import { orderStatus, type CheckoutSession } from './order-book';
import { transactionJson } from './order-json';
import { decideCard, type CardEntry } from './test-cards';

/**
 * The payer's side: GET /static/checkout/checkout.min.js, the card form at
 * /checkout/pay/{sessionId} (GET shows it, POST pays), and /checkout/cancel/{sessionId}.
 * After a payment the payer goes back to interaction.returnUrl with `resultIndicator`,
 * `sessionVersion` and `checkoutVersion` appended.
 */

const CHECKOUT_VERSION = '1.0.0';

function httpUrl(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

export function serveScript(context: GatewayContext, req: IncomingMessage, res: ServerResponse): void {
  const base = context.publicUrl ?? `http://${req.headers.host ?? 'localhost'}`;
  const script = checkoutScript(base);
  res.writeHead(200, { 'content-type': 'application/javascript; charset=utf-8', 'cache-control': 'no-store', 'content-length': Buffer.byteLength(script) });
  res.end(script);
}

function completed(session: CheckoutSession, context: GatewayContext): boolean {
  const order = context.book.order(session.merchantId, session.order.id);
  return order !== undefined && order.transactions.length > 0 && orderStatus(order) !== 'FAILED';
}

export function showForm(context: GatewayContext, res: ServerResponse, sessionId: string, query: URLSearchParams): void {
  const session = context.book.session(sessionId);
  if (!session) return sendHtml(res, 404, messagePage('Payment session not found', 'This payment link is not valid. Return to the shop and try again.'));
  if (completed(session, context)) return sendHtml(res, 409, messagePage('Payment already made', 'This order has already been paid or is being processed.'));
  sendHtml(res, 200, cardFormPage(session, { cancelUrl: httpUrl(query.get('cancelUrl')) }));
}

export function pay(context: GatewayContext, res: ServerResponse, sessionId: string, body: string): void {
  const session = context.book.session(sessionId);
  if (!session) return sendHtml(res, 404, messagePage('Payment session not found', 'This payment link is not valid. Return to the shop and try again.'));
  const form = new URLSearchParams(body);
  const field = (name: string) => (form.get(name) ?? '').trim();
  const card: CardEntry = {
    number: field('cardNumber'),
    expiryMonth: field('expiryMonth'),
    expiryYear: field('expiryYear'),
    securityCode: field('securityCode'),
    nameOnCard: field('nameOnCard'),
  };
  const merchant = context.merchants.get(session.merchantId)!;
  const decision = decideCard(card, { rejectCscNoMatch: merchant.rejectCscNoMatch });
  const cancelUrl = httpUrl(form.get('cancelUrl'));
  if ('field' in decision) {
    const entered = { expiryMonth: card.expiryMonth, expiryYear: card.expiryYear, nameOnCard: card.nameOnCard };
    return sendHtml(res, 400, cardFormPage(session, { error: decision.message, entered, cancelUrl }));
  }
  const paid = context.book.pay(sessionId, card, decision);
  if (paid.kind === 'closed') return sendHtml(res, 409, messagePage('Payment already made', paid.reason));
  // The payer consented on this page to the merchant's future payments under the agreement.
  if (session.agreement && paid.transaction.result === 'SUCCESS') context.vault.establish(session.merchantId, session.agreement, paid.order.card!);
  notify(context, merchant, paid.order, paid.transaction.id, jsonText(transactionJson(paid.order, paid.transaction)));
  if (context.faults.current().browserNeverReturns || !session.returnUrl) {
    // The payment is made at the gateway; the payer's browser does not come back.
    return sendHtml(res, 200, messagePage('Payment processed', 'Your payment has been processed. You can close this window.'));
  }
  const back = new URL(session.returnUrl);
  back.searchParams.append('resultIndicator', paid.resultIndicator);
  back.searchParams.append('sessionVersion', paid.session.version);
  back.searchParams.append('checkoutVersion', CHECKOUT_VERSION);
  redirect(res, back.href);
}

/**
 * The payer cancels: back to interaction.cancelUrl, else to the URL the merchant's page gave
 * checkout.min.js in `data-cancel`, else a page saying so. Nothing is recorded on the order (the
 * documentation does not describe a transaction for a cancelled hosted payment).
 */
export function cancel(context: GatewayContext, res: ServerResponse, sessionId: string, query: URLSearchParams): void {
  const session = context.book.session(sessionId);
  if (!session) return sendHtml(res, 404, messagePage('Payment session not found', 'This payment link is not valid.'));
  const target = session.cancelUrl ?? httpUrl(query.get('cancelUrl'));
  if (target) return redirect(res, target);
  sendHtml(res, 200, messagePage('Payment cancelled', 'You cancelled the payment. You can close this window.'));
}
