import { html } from './html';
import { icons, renderPage } from './layout';

/**
 * Error pages of the customer-facing routes. The session (and so its language) may be unknown
 * here, so the title is given in English and Arabic; the detail is the error's own message.
 */
const TITLES: Record<number, [string, string]> = {
  403: ['This form can no longer be sent', 'لم يعد بالإمكان إرسال هذا النموذج'],
  404: ['Payment not found', 'لم يتم العثور على عملية الدفع'],
  405: ['Not allowed', 'غير مسموح'],
};
const FALLBACK: Record<'client' | 'server', [string, string]> = {
  client: ['The request could not be processed', 'تعذّرت معالجة الطلب'],
  server: ['Something went wrong on our side', 'حدث خطأ من جهتنا'],
};

export function renderErrorPage(status: number, detail: string): string {
  const [english, arabic] = TITLES[status] ?? FALLBACK[status >= 500 ? 'server' : 'client'];
  const body = html`<section class="panel status">
<div class="badge muted">${status === 404 ? icons.info : icons.cross}</div>
<h1>${english}</h1>
<p>${detail}</p>
<h1 lang="ar" dir="rtl">${arabic}</h1>
</section>`;
  return renderPage({ lang: 'en', dir: 'ltr', title: `${status} · ${english}`, heading: 'Checkout', secureLabel: 'Secure checkout', body });
}
