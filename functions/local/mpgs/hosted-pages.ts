import { formatAmount } from './amounts';
import type { CheckoutSession } from './order-book';
import { CSC_RESULTS, EXPIRY_OUTCOMES, TEST_CARDS, type CardEntry } from './test-cards';

/**
 * The gateway's browser side: checkout.min.js (the Checkout JS library of the documentation:
 * `Checkout.configure({session: {id}})` then `Checkout.showPaymentPage()`), the hosted card form
 * and the pages that end a visit without sending the payer back.
 */

/**
 * The library. API version ≥ 63 takes only `session.id` in configure (the rest of the
 * interaction was given to INITIATE_CHECKOUT), so any other key is an error here. Errors go to
 * the function the script tag names in `data-error`, else they are thrown. A `data-cancel`
 * holding a URL is where the hosted page's cancel link leads when the session has no
 * interaction.cancelUrl. The embedded page and the lightbox are not emulated.
 */
export function checkoutScript(baseUrl: string): string {
  return `/* local MPGS checkout.min.js (Hosted Checkout, API version 100) */
(function () {
  'use strict';
  var base = ${JSON.stringify(baseUrl)};
  var tag = document.currentScript;
  var configured = null;
  function attribute(name) { return tag ? tag.getAttribute(name) : null; }
  function fail(explanation) {
    var handler = attribute('data-error');
    var error = { cause: 'INVALID_REQUEST', explanation: explanation };
    if (handler && typeof window[handler] === 'function') { window[handler](error); return; }
    throw new Error('Checkout: ' + explanation);
  }
  function unsupported(name) {
    return function () { fail(name + ' is not emulated by the local MPGS: use Checkout.showPaymentPage()'); };
  }
  window.Checkout = {
    configure: function (config) {
      if (!config || typeof config !== 'object') return fail('configure() takes an object');
      var extra = Object.keys(config).filter(function (key) { return key !== 'session'; });
      if (extra.length) return fail('configure() takes only session.id from API version 63 on; give ' + extra.join(', ') + ' to INITIATE_CHECKOUT');
      if (!config.session || typeof config.session.id !== 'string' || !config.session.id) return fail('session.id is required');
      configured = { session: { id: config.session.id } };
    },
    showPaymentPage: function () {
      if (!configured) return fail('call Checkout.configure() first');
      var target = base + '/checkout/pay/' + encodeURIComponent(configured.session.id);
      var cancel = attribute('data-cancel');
      if (cancel && /^https?:\\/\\//i.test(cancel)) target += '?cancelUrl=' + encodeURIComponent(cancel);
      window.location.assign(target);
    },
    showEmbeddedPage: unsupported('showEmbeddedPage'),
    showLightbox: unsupported('showLightbox')
  };
})();
`;
}

const escape = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<style>
body{font-family:system-ui,sans-serif;max-width:28rem;margin:2rem auto;padding:0 1rem;color:#1d1d1f}
h1{font-size:1.3rem}label{display:block;margin:.8rem 0 .2rem;font-weight:600}
input,select{font-size:1rem;padding:.5rem;width:100%;box-sizing:border-box}
.row{display:flex;gap:.5rem}.row>div{flex:1}
button{margin-top:1.2rem;width:100%;padding:.8rem;font-size:1.05rem;background:#eb001b;color:#fff;border:0;border-radius:6px}
.error{color:#b00020;font-weight:600}.muted{color:#666;font-size:.9rem}table{font-size:.85rem;border-collapse:collapse}td{padding:.1rem .5rem}
</style></head><body>${body}</body></html>`;
}

function options(values: string[], selected: string | undefined, placeholder: string): string {
  return [`<option value="">${placeholder}</option>`, ...values.map((value) => `<option value="${value}"${value === selected ? ' selected' : ''}>${value}</option>`)].join('');
}

export interface FormState {
  error?: string;
  /** What to show again after an error: never the card number or the security code. */
  entered?: Partial<Pick<CardEntry, 'expiryMonth' | 'expiryYear' | 'nameOnCard'>>;
  cancelUrl?: string;
}

export function cardFormPage(session: CheckoutSession, state: FormState = {}): string {
  // A verification charges nothing: the page says what it does instead of showing 0.
  const verify = session.operation === 'VERIFY';
  const amount = verify ? 'Card verification: nothing is charged' : `${session.order.currency} ${formatAmount(session.order.amount, session.order.currency)}`;
  const path = `/checkout/pay/${encodeURIComponent(session.id)}`;
  const cancel = `/checkout/cancel/${encodeURIComponent(session.id)}${state.cancelUrl ? `?cancelUrl=${encodeURIComponent(state.cancelUrl)}` : ''}`;
  const months = Array.from({ length: 12 }, (_unused, index) => String(index + 1).padStart(2, '0'));
  const years = Array.from({ length: 20 }, (_unused, index) => String(26 + index));
  const entered = state.entered ?? {};
  const expiries = Object.entries(EXPIRY_OUTCOMES)
    .map(([expiry, outcome]) => `<tr><td>${expiry}</td><td>${outcome.gatewayCode}</td></tr>`)
    .join('');
  return page(
    `Pay ${session.merchantName}`,
    `<h1>${escape(session.merchantName)}</h1>
<p>Order ${escape(session.order.id)}${session.order.description ? `: ${escape(session.order.description)}` : ''}</p>
<p id="amount"><strong>${escape(amount)}</strong></p>
${state.error ? `<p class="error" role="alert" id="error">${escape(state.error)}</p>` : ''}
<form method="post" action="${escape(path)}" autocomplete="off">
${state.cancelUrl ? `<input type="hidden" name="cancelUrl" value="${escape(state.cancelUrl)}">` : ''}
<label for="cardNumber">Card number</label><input id="cardNumber" name="cardNumber" inputmode="numeric" required>
<div class="row"><div><label for="expiryMonth">Expiry month</label><select id="expiryMonth" name="expiryMonth" required>${options(months, entered.expiryMonth, 'MM')}</select></div>
<div><label for="expiryYear">Expiry year</label><select id="expiryYear" name="expiryYear" required>${options(years, entered.expiryYear, 'YY')}</select></div></div>
<label for="securityCode">Security code</label><input id="securityCode" name="securityCode" inputmode="numeric" required>
<label for="nameOnCard">Name on card</label><input id="nameOnCard" name="nameOnCard" value="${escape(entered.nameOnCard ?? '')}">
<button type="submit" id="pay">${verify ? 'Verify card' : `${session.operation === 'AUTHORIZE' ? 'Authorize' : 'Pay'} ${escape(amount)}`}</button>
</form>
<p><a id="cancel" href="${escape(cancel)}">Cancel and return to ${escape(session.merchantName)}</a></p>
<details class="muted"><summary>Test cards (local MPGS)</summary>
<p>${Object.keys(TEST_CARDS).slice(0, 6).join(', ')}; security code ${Object.keys(CSC_RESULTS).slice(0, 3).join(' / ')} (match / not processed / no match).</p>
<table>${expiries}</table><p>Any other expiry is approved.</p></details>`,
  );
}

export function messagePage(title: string, text: string): string {
  return page(title, `<h1 id="title">${escape(title)}</h1><p id="message">${escape(text)}</p>`);
}
