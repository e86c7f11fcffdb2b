import type { Session } from '../domain/session';
import type { HostedPage } from '../ports/payment-gateway';
import { html, SafeHtml } from './html';
import { gatewayPagePolicy, renderPage } from './layout';
import { messagesFor } from './messages';

/**
 * The small page that hands the customer to a hosted gateway: it loads the gateway's own script
 * from the gateway's host and calls it (MPGS: `Checkout.configure({session:{id}})` then
 * `Checkout.showPaymentPage()`). The card is typed on the gateway's page, never on ours.
 */
export function renderGatewayRedirect(session: Session, page: Extract<HostedPage, { kind: 'script' }>): { body: string; policy: string } {
  const t = messagesFor(session.language);
  if (!/^[A-Za-z_$][\w$]*$/.test(page.call)) throw new Error('A hosted page names a function that is not an identifier.');
  // JSON inside a script element: `<` escaped so no value can close the element.
  const configure = JSON.stringify(page.configure).replace(/</g, '\\u003c');
  const inline = `Checkout.configure(${configure});Checkout.${page.call}();`;
  const head = html`<script src="${page.scriptUrl}"></script>
<script>${new SafeHtml(inline)}</script>`;
  const body = html`<section class="panel status">
<h1>${t.redirecting}</h1>
<noscript><p>${t.noScript}</p></noscript>
</section>`;
  return {
    body: renderPage({ lang: session.language, dir: t.dir, title: t.redirecting, heading: session.vendor_name || t.title, secureLabel: t.poweredBy, body, head }),
    policy: gatewayPagePolicy(new URL(page.scriptUrl).origin, inline),
  };
}
