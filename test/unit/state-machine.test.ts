import { holdsOrderNo, isOpen, STATES, transition } from '../../functions/domain/state-machine';

test('a created session opens to pending and can be paid from any open state', () => {
  expect(transition('created', 'open')).toEqual({ ok: true, to: 'pending', event: 'pending' });
  for (const from of ['created', 'pending', 'attempted'] as const) {
    expect(transition(from, 'pay')).toEqual({ ok: true, to: 'paid', event: 'paid' });
    expect(transition(from, 'expire')).toEqual({ ok: true, to: 'expired', event: 'expired' });
    expect(transition(from, 'cancel')).toEqual({ ok: true, to: 'canceled', event: 'canceled' });
  }
});

test('final states refuse payment and expiry', () => {
  for (const from of ['paid', 'failed', 'canceled', 'expired', 'refunded', 'voided', 'invalided'] as const) {
    expect(transition(from, 'pay').ok).toBe(false);
    expect(transition(from, 'expire').ok).toBe(false);
  }
});

test('authorized sessions are captured or voided (a child; the parent stays authorized), paid ones refunded (the parent stays paid)', () => {
  expect(transition('authorized', 'capture')).toEqual({ ok: true, to: 'authorized', event: 'captured' });
  expect(transition('authorized', 'void')).toEqual({ ok: true, to: 'authorized', event: 'voided' });
  expect(transition('paid', 'refund')).toEqual({ ok: true, to: 'paid', event: 'refunded' });
  expect(transition('authorized', 'refund')).toEqual({ ok: true, to: 'authorized', event: 'refunded' });
  expect(transition('voided', 'refund').ok).toBe(false);
  expect(transition('created', 'capture').ok).toBe(false);
  expect(transition('paid', 'void').ok).toBe(false);
});

test('only open states are open; failed-like final states release the order_no', () => {
  expect(STATES.filter(isOpen)).toEqual(['created', 'pending', 'attempted']);
  expect(STATES.filter((state) => !holdsOrderNo(state))).toEqual(['failed', 'canceled', 'expired', 'invalided']);
});

test('a session is created only from nothing; edits need an open state; delivery records go anywhere without an event', () => {
  expect(transition('new', 'create')).toEqual({ ok: true, to: 'created', event: 'created' });
  expect(transition('created', 'create').ok).toBe(false);
  for (const from of ['created', 'pending', 'attempted'] as const) expect(transition(from, 'edit')).toEqual({ ok: true, to: from });
  expect(transition('paid', 'edit').ok).toBe(false);
  for (const from of STATES) expect(transition(from, 'record')).toEqual({ ok: true, to: from });
  expect(transition('new', 'record').ok).toBe(false);
});
