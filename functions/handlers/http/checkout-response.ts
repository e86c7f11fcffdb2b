import { renderCheckoutPage, type CheckoutPageModel } from '../../views/checkout-page';
import { contentSecurityPolicy } from '../../views/layout';
import { html, type HttpResult } from './http-event';

/**
 * The hosted page as a response. Its policy lets the form's post be redirected (303) to the
 * merchant's redirect_url: Chromium checks form-action against that redirect as well.
 */
export function checkoutPageResponse(statusCode: number, model: CheckoutPageModel, cookies: string[]): HttpResult {
  const redirectOrigin = model.session.redirect_url ? [new URL(model.session.redirect_url).origin] : [];
  return html(statusCode, renderCheckoutPage(model), { 'content-security-policy': contentSecurityPolicy(redirectOrigin) }, cookies);
}
