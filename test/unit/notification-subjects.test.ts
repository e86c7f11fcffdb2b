import { renderEmail, templateVariables } from '../../functions/domain/notification-message';
import { NOTIFICATION_EVENTS } from '../../functions/domain/state-machine';
import { TEMPLATES } from '../../functions/templates/all-templates';
import { sampleSession } from '../fixtures/sessions';

// An e-mail subject names the order, or else the amount: never the 40-character session id.
test.each(['en', 'ar'] as const)('%s subjects without an order_no carry no session id; with one they name it', (language) => {
  const bare = sampleSession({ language, order_no: null });
  const ordered = sampleSession({ language, order_no: 'ORD-77' });
  for (const event of NOTIFICATION_EVENTS) {
    const subject = renderEmail(TEMPLATES, language, event, templateVariables(bare, 'https://pay.example')).subject;
    expect([event, subject]).toEqual([event, expect.not.stringContaining(bare.session_id)]);
    expect([event, subject]).toEqual([event, expect.stringContaining('14.000')]);
    const named = renderEmail(TEMPLATES, language, event, templateVariables(ordered, 'https://pay.example')).subject;
    if (!['paid', 'authorized', 'captured'].includes(event)) expect([event, named]).toEqual([event, expect.stringContaining('ORD-77')]);
  }
  expect(renderEmail(TEMPLATES, 'en', 'created', templateVariables(sampleSession({ order_no: 'ORD-77' }), 'https://pay.example')).subject).toBe('Payment request: 14.000 KWD (ORD-77)');
  expect(renderEmail(TEMPLATES, 'en', 'refunded', templateVariables(sampleSession({ order_no: null }), 'https://pay.example')).subject).toBe('Payment refunded: 14.000 KWD');
});
