import { readFileSync } from 'node:fs';
import { renderEmail, renderSms, templateVariables } from '../../functions/domain/notification-message';
import { NOTIFICATION_EVENTS } from '../../functions/domain/state-machine';
import { TEMPLATES } from '../../functions/templates/all-templates';
import { GENERATED, templateModuleSource } from '../../scripts/build-templates';
import { sampleSession } from '../fixtures/event-ports';

test('the generated template module matches the template files (run `npm run build:templates`)', () => {
  expect(readFileSync(GENERATED, 'utf8')).toBe(templateModuleSource());
});

test.each(['en', 'ar'] as const)('every event has a complete %s e-mail and SMS with no unknown placeholders', (language) => {
  const vars = templateVariables(sampleSession({ language }), 'https://pay.example');
  for (const event of NOTIFICATION_EVENTS) {
    const email = renderEmail(TEMPLATES, language, event, vars);
    const sms = renderSms(TEMPLATES, language, event, vars);
    for (const text of [email.subject, email.text, email.html, sms]) expect(text).not.toMatch(/\{\{|\}\}/);
    // The amount with the currency's decimals (KWD: 3) in every body.
    for (const text of [email.text, email.html, sms]) expect(text).toContain('14.000 KWD');
    expect(email.subject.length).toBeGreaterThan(5);
    expect(email.html).toContain(`<html lang="${language}" dir="${language === 'ar' ? 'rtl' : 'ltr'}">`);
  }
});

test('the created message links to checkout; Arabic sessions get Arabic text', () => {
  const session = sampleSession({ language: 'ar', customer_first_name: 'خالد', customer_last_name: '' });
  const vars = templateVariables(session, 'https://pay.example');
  const email = renderEmail(TEMPLATES, 'ar', 'created', vars);
  const link = `https://pay.example/b/checkout/redirect/start/?session_id=${session.session_id}`;
  expect(email.text).toContain(link);
  expect(renderSms(TEMPLATES, 'ar', 'created', vars)).toContain(link);
  expect(email.subject).toContain('طلب دفع');
  expect(email.text).toContain('خالد');
});

test('merchant-provided text is escaped in HTML only', () => {
  const session = sampleSession({ customer_first_name: '<script>x</script>', customer_last_name: '&' });
  const email = renderEmail(TEMPLATES, 'en', 'paid', templateVariables(session, 'https://pay.example'));
  expect(email.html).toContain('&lt;script&gt;x&lt;/script&gt; &amp;');
  expect(email.html).not.toContain('<script>');
  expect(email.text).toContain('<script>x</script> &');
});
