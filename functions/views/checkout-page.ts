import { paymentMethodOf, successRedirect, type PayFormErrors } from '../domain/checkout';
import { cardFormIsOurs, tokenizes } from '../domain/gateway';
import type { PaymentAttempt, PaymentMethod, Session } from '../domain/session';
import { isOpen } from '../domain/state-machine';
import { html, type SafeHtml } from './html';
import { icons, renderPage } from './layout';
import { messagesFor, type Messages } from './messages';

/** Every gateway shown without an icon of our own gets this one (served by a route of ours). */
export const DEFAULT_ICON = '/static/pg-icons/card.svg';

export interface CheckoutPageModel {
  session: Session;
  /** The hidden form field that proves the post came from this page. */
  csrfToken: string;
  /** Gateway to preselect (`?pg_code=` of payment_methods[].redirect_url, or the posted one). */
  pgCode?: string;
  errors?: PayFormErrors;
  /** Posted values shown again after a form error: never the card number or CVV. */
  values?: { name_on_card?: string; expiry?: string };
  /** Tries left, told after a declined attempt. */
  attemptsLeft?: number;
  /** Another request changed the session first; nothing was charged. */
  conflict?: boolean;
  /** The chosen gateway could not start a payment; nothing was charged. */
  unavailable?: boolean;
}

/** The hosted page for a session in any state: the form while open, else what became of it. */
export function renderCheckoutPage(model: CheckoutPageModel): string {
  const { session } = model;
  const t = messagesFor(session.language);
  const body = isOpen(session.state)
    ? payView(model, t)
    : session.state === 'paid' || session.state === 'authorized'
      ? receiptView(session, t)
      : session.state === 'expired'
        ? statusView(session, t, 'muted', icons.clock, t.expiredTitle, t.expiredBody)
        : session.state === 'failed'
          ? statusView(session, t, 'bad', icons.cross, t.failedTitle, t.failedBody)
          : statusView(session, t, 'muted', icons.info, t.closedTitle, t.closedBody(t.states[session.state] ?? session.state));
  return renderPage({ lang: session.language, dir: t.dir, title: `${t.title} · ${summaryTitle(session)}`, heading: session.vendor_name || t.title, secureLabel: t.poweredBy, body });
}

function summaryTitle(session: Session): string {
  return `${formatAmount(session.amount)} ${session.currency_code}`;
}

/** "1234567.500" → "1,234,567.500": grouped from the stored decimal string, never via a float. */
export function formatAmount(amount: string): string {
  const [whole = '', fraction] = amount.split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return fraction === undefined ? grouped : `${grouped}.${fraction}`;
}

function money(amount: string, currency: string): SafeHtml {
  return html`<bdi dir="ltr">${formatAmount(amount)} ${currency}</bdi>`;
}

function summary(session: Session, t: Messages, amount = session.amount): SafeHtml {
  const customer = [session.customer_first_name, session.customer_last_name].filter(Boolean).join(' ');
  const rows: Array<[string, SafeHtml | string]> = [];
  if (session.order_no) rows.push([t.orderNo, html`<bdi>${session.order_no}</bdi>`]);
  if (session.vendor_name) rows.push([t.vendor, session.vendor_name]);
  if (session.product_type) rows.push([t.product, session.product_type]);
  if (session.due_datetime) rows.push([t.dueBy, html`<bdi dir="ltr" class="nowrap">${displayTime(session.due_datetime)}</bdi>`]);
  if (customer) rows.push([t.customer, customer]);
  if (session.attachment) rows.push([t.attachment, html`<a href="${safeLink(session.attachment)}" rel="noopener noreferrer" target="_blank">${t.viewAttachment}</a>`]);
  return html`<section class="panel">
<p class="label">${t.amount}</p>
<p class="amount"><bdi dir="ltr">${formatAmount(amount)}<span class="cur">${session.currency_code}</span></bdi></p>
${rows.length > 0 && html`<dl class="details">${rows.map(([term, value]) => html`<dt>${term}</dt><dd>${value}</dd>`)}</dl>`}
</section>`;
}

function payView({ session, csrfToken, pgCode, errors = {}, values = {}, attemptsLeft, conflict, unavailable }: CheckoutPageModel, t: Messages): SafeHtml {
  const cardMethods = session.payment_methods.filter(cardFormIsOurs);
  const hostedMethods = session.payment_methods.filter((method) => !cardFormIsOurs(method));
  const selected = paymentMethodOf({ payment_methods: cardMethods }, pgCode) ?? cardMethods[0];
  const last = session.attempts.at(-1);
  const hasErrors = Object.keys(errors).length > 0;
  const notice = conflict
    ? html`<div class="notice info" role="status"><p>${t.conflict}</p></div>`
    : unavailable
      ? html`<div class="notice bad" role="alert"><p>${t.gatewayUnavailable}</p></div>`
      : hasErrors
        ? html`<div class="notice bad" role="alert"><p>${t.fixErrors}</p></div>`
        : last?.result === 'pending'
          ? html`<div class="notice info" role="status"><p>${t.pendingNotice}</p><p>${t.reference}: <bdi>${last.reference_number}</bdi></p></div>`
          : session.state === 'attempted' && last && last.result !== 'success'
            ? html`<div class="notice bad" role="alert"><p>${last.result === 'error' ? t.gatewayError : t.declined}</p><p>${t.reference}: <bdi>${last.reference_number}</bdi></p>${attemptsLeft !== undefined && html`<p>${t.attemptsLeft(attemptsLeft)}</p>`}</div>`
            : null;
  const sandbox = cardMethods.some((method) => method.type === 'sandbox');
  // A hosted gateway's form carries no card field: the card is typed on the gateway's own page.
  // With customer_id, a gateway that keeps cards offers to save it (the seed); save_card and
  // auto_debit always save it, and say so.
  const paymentType = session.payment_type ?? 'one_off';
  const hosted = hostedMethods.map(
    (method) => html`<form method="post" action="/checkout/${session.session_id}/pay" class="hosted">
<input type="hidden" name="csrf_token" value="${csrfToken}">
<input type="hidden" name="pg_code" value="${method.code}">
${paymentType === 'one_off' && session.customer_id && tokenizes(method) && html`<label class="save-card"><input type="checkbox" name="save_card" value="on"> ${t.saveThisCard}</label>`}
<button type="submit">${paymentType === 'save_card' ? t.verifyWith(method.name) : html`${t.payWith(method.name)} ${money(session.amount, session.currency_code)}`}</button>
<p class="note">${t.hostedNote}</p>
${paymentType === 'save_card' && html`<p class="note">${t.verifyNote}</p>`}${paymentType === 'auto_debit' && html`<p class="note">${t.autoDebitNote}</p>`}
</form>`,
  );
  const cardForm =
    cardMethods.length > 0 &&
    html`<form method="post" action="/checkout/${session.session_id}/pay" autocomplete="on">
<input type="hidden" name="csrf_token" value="${csrfToken}">
<fieldset${errors.pg_code && html` class="invalid"`}>
<legend>${t.paymentMethod}</legend>
${cardMethods.map((method) => methodOption(method, method === selected, t))}
${fieldError(errors.pg_code && t.formProblem[errors.pg_code], 'pg_code')}
</fieldset>
${sandbox && sandboxHint(t)}
${field('card_number', t.cardNumber, errors.card_number && t.formProblem[errors.card_number], html`<input type="text" id="card_number" name="card_number" class="ltr-input" inputmode="numeric" autocomplete="cc-number" maxlength="23" placeholder="1234 5678 9012 3456" required${ariaError(errors.card_number, 'card_number')}>`)}
<div class="row">
${field('expiry', t.expiry, errors.expiry && t.formProblem[errors.expiry], html`<input type="text" id="expiry" name="expiry" class="ltr-input" inputmode="numeric" autocomplete="cc-exp" maxlength="7" placeholder="${t.expiryPlaceholder}" value="${values.expiry ?? ''}" required${ariaError(errors.expiry, 'expiry')}>`)}
${field('cvv', t.cvv, errors.cvv && t.formProblem[errors.cvv], html`<input type="password" id="cvv" name="cvv" class="ltr-input" inputmode="numeric" autocomplete="cc-csc" maxlength="4" placeholder="123" required${ariaError(errors.cvv, 'cvv')}>`)}
</div>
${field('name_on_card', t.nameOnCard, errors.name_on_card && t.formProblem[errors.name_on_card], html`<input type="text" id="name_on_card" name="name_on_card" autocomplete="cc-name" maxlength="64" value="${values.name_on_card ?? ''}" required${ariaError(errors.name_on_card, 'name_on_card')}>`)}
<button type="submit">${t.pay} ${money(session.amount, session.currency_code)}</button>
<p class="note">${t.secureNote}</p>
</form>`;
  return html`${summary(session, t)}
<section class="panel">
<h1>${t.payHeading}</h1>
${notice}
${hosted}
${cardForm}
</section>
${attemptsList(session.attempts, t)}`;
}

function methodOption(method: PaymentMethod, checked: boolean, t: Messages): SafeHtml {
  const icon = method.icon.startsWith('/') ? method.icon : DEFAULT_ICON;
  const fee = /^[0.]*$/.test(method.fee) ? null : html`<span class="fee">+ ${t.fee} ${money(method.fee, method.currency_code)}</span>`;
  return html`<label class="method"><input type="radio" name="pg_code" value="${method.code}"${checked && html` checked`}><img src="${icon}" alt=""><span>${method.name}</span>${fee}</label>`;
}

function sandboxHint(t: Messages): SafeHtml {
  return html`<div class="hint"><p class="muted">${t.sandboxHint}</p><ul>${t.sandboxCards.map(([number, what]) => html`<li><bdi dir="ltr">${number}</bdi> · ${what}</li>`)}</ul></div>`;
}

function field(name: string, label: string, error: string | undefined, input: SafeHtml): SafeHtml {
  return html`<div class="field${error ? ' invalid' : ''}"><label for="${name}">${label}</label>${input}${fieldError(error, name)}</div>`;
}

function fieldError(message: string | undefined, name: string): SafeHtml | null {
  return message ? html`<p class="error" id="${name}-error">${message}</p>` : null;
}

function ariaError(problem: unknown, name: string): SafeHtml | null {
  return problem ? html` aria-invalid="true" aria-describedby="${name}-error"` : null;
}

function receiptView(session: Session, t: Messages): SafeHtml {
  const settled = [...session.attempts].reverse().find((attempt) => attempt.result === 'success');
  const method = paymentMethodOf(session, session.settled_pg_code) ?? session.payment_methods[0];
  const back = successRedirect(session);
  const rows: Array<[string, SafeHtml | string]> = [[t.amountPaid, money(method?.amount ?? session.amount, session.currency_code)]];
  if (session.reference_number) rows.push([t.reference, html`<bdi>${session.reference_number}</bdi>`]);
  if (session.order_no) rows.push([t.orderNo, html`<bdi>${session.order_no}</bdi>`]);
  if (session.paid_at) rows.push([t.date, html`<bdi dir="ltr" class="nowrap">${displayTime(session.paid_at)}</bdi>`]);
  if (settled) rows.push([t.card, cardText(settled, t)]);
  if (method) rows.push([t.paymentMethod, method.name]);
  // Refunds (and captures) since the payment, each with its own reference number.
  for (const child of session.transactions ?? []) {
    rows.push([t.operations[child.operation], html`${money(child.amount, child.currency_code)} <span class="muted nowrap">${t.referenceShort} <bdi>${child.reference_number}</bdi></span>`]);
  }
  return html`<section class="panel status">
<div class="badge ok">${icons.check}</div>
<h1>${session.state === 'authorized' ? t.authorizedTitle : t.paidTitle}</h1>
<p>${t.receiptNote}</p>
<dl class="details">${rows.map(([term, value]) => html`<dt>${term}</dt><dd>${value}</dd>`)}</dl>
${back && html`<a class="button" href="${back}">${t.returnToMerchant}</a>`}
</section>
${session.attempts.length > 1 && attemptsList(session.attempts, t)}`;
}

function statusView(session: Session, t: Messages, tone: 'bad' | 'muted', icon: SafeHtml, title: string, text: string): SafeHtml {
  return html`<section class="panel status">
<div class="badge ${tone}">${icon}</div>
<h1>${title}</h1>
<p>${text}</p>
</section>
${summary(session, t)}
${attemptsList(session.attempts, t)}`;
}

function attemptsList(attempts: PaymentAttempt[], t: Messages): SafeHtml | null {
  if (attempts.length === 0) return null;
  return html`<section class="panel">
<h2>${t.attemptsHeading}</h2>
<ul class="attempts">${[...attempts].reverse().map(
    (attempt) => html`<li><span class="result-${attempt.result}">${t.results[attempt.result]}</span><span>${cardText(attempt, t)}</span><span class="muted nowrap">${t.referenceShort} <bdi>${attempt.reference_number}</bdi></span><span class="muted nowrap"><bdi dir="ltr">${displayTime(attempt.attempted_at)}</bdi></span></li>`,
  )}</ul>
</section>`;
}

function cardText(attempt: PaymentAttempt, t: Messages): SafeHtml {
  // A hosted gateway's attempt knows its card only once the gateway says.
  if (!attempt.card_last4) return html`${t.brands[attempt.card_brand]}`;
  return html`${t.brands[attempt.card_brand]} <bdi dir="ltr">•••• ${attempt.card_last4}</bdi>`;
}

/** "2026-11-25T10:31:07.123Z" → "2026-11-25 10:31 UTC" (the same in both languages). */
function displayTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/** Only http(s) links are rendered as links; anything else (javascript:, data:) is dropped. */
function safeLink(url: string): string {
  return /^(https?:\/\/|\/)/i.test(url) ? url : '#';
}
