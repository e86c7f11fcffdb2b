import type { SessionEvent } from './events';
import { childOfEvent } from './operation-payload';
import type { Session } from './session';
import { checkoutUrl } from './session';
import type { NotificationEvent } from './state-machine';

/**
 * E-mail and SMS text from the template files (functions/templates/<lang>/<event>.<part>),
 * which reach this pure module as a map of file path → text (see templates/README.md).
 * Placeholders are `{{name}}`; in HTML they are escaped, `{{{content}}}` in the layout is not.
 */
export type Templates = Readonly<Record<string, string>>;
export type Language = 'en' | 'ar';

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

const FALLBACK_NAME: Record<Language, string> = { en: 'customer', ar: 'عميلنا العزيز' };

export function templateVariables(session: Session, publicUrl: string, event?: Pick<SessionEvent, 'type' | 'version'>): Record<string, string> {
  const language = languageOf(session);
  const name = [session.customer_first_name, session.customer_last_name].filter(Boolean).join(' ');
  return {
    customer_name: name || FALLBACK_NAME[language],
    // Stored amounts carry exactly the currency's ISO 4217 decimals ("14.000" for KWD).
    // A refund, capture or void tells its own amount (a partial refund is not the whole payment).
    amount: (event && childOfEvent(session, event)?.amount) ?? session.amount,
    currency_code: session.currency_code,
    order_ref: session.order_no || session.session_id,
    // Subjects name the order, or else the amount: a 40-character session id is noise in an inbox.
    subject_ref: session.order_no || `${(event && childOfEvent(session, event)?.amount) ?? session.amount} ${session.currency_code}`,
    order_note: session.order_no ? ` (${session.order_no})` : '',
    session_id: session.session_id,
    checkout_url: checkoutUrl(publicUrl, session.session_id),
  };
}

export function languageOf(session: Pick<Session, 'language'>): Language {
  return session.language === 'ar' ? 'ar' : 'en';
}

export function renderEmail(templates: Templates, language: Language, event: NotificationEvent, vars: Record<string, string>): EmailContent {
  const part = (ext: string) => template(templates, `${language}/${event}.${ext}`);
  const subject = fill(part('subject'), vars, plain).trim();
  const body = fill(part('html'), vars, escapeHtml);
  const [before, after = ''] = template(templates, `${language}/layout.html`).split('{{{content}}}');
  const html = fill(before!, { ...vars, subject }, escapeHtml) + body + fill(after, { ...vars, subject }, escapeHtml);
  return { subject, text: fill(part('txt'), vars, plain), html };
}

export function renderSms(templates: Templates, language: Language, event: NotificationEvent, vars: Record<string, string>): string {
  return fill(template(templates, `${language}/${event}.sms`), vars, plain).trim();
}

function template(templates: Templates, path: string): string {
  const text = templates[path];
  if (text === undefined) throw new Error(`missing template ${path}`);
  return text;
}

function fill(text: string, vars: Record<string, string>, encode: (value: string) => string): string {
  return text.replace(/\{\{(\w+)\}\}/g, (_all, name: string) => {
    const value = vars[name];
    if (value === undefined) throw new Error(`template uses unknown variable {{${name}}}`);
    return encode(value);
  });
}

const plain = (value: string) => value;

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
