import { SIGNED_FIELDS, signatureMessage, signWebhook, verifyWebhookSignature } from '../../functions/domain/webhook-signature';
import { hmacHex, SIGNED_VALUES, VECTOR_KEY, VECTOR_MESSAGE, VECTOR_SIGNATURE, vectorPayload, withChanged } from '../fixtures/signature-vector';

// Every field Ottu signs is signed: a payload carrying all 18 signs to the hand-computed value,
// and changing any one of them changes the signature.
const FIELDS = Object.keys(SIGNED_VALUES);

test('the vector carries all 18 signed fields, and the signer lists exactly those', () => {
  expect(FIELDS).toHaveLength(18);
  expect([...SIGNED_FIELDS].sort()).toEqual([...FIELDS].sort());
});

test('a payload with every signed field signs to the value computed by hand', () => {
  expect(signatureMessage(vectorPayload())).toBe(VECTOR_MESSAGE);
  expect(signWebhook(vectorPayload(), VECTOR_KEY)).toBe(VECTOR_SIGNATURE);
  expect(verifyWebhookSignature({ ...vectorPayload(), signature: VECTOR_SIGNATURE }, VECTOR_KEY)).toBe(true);
});

test.each(FIELDS)('changing %s changes the signature, and the old one no longer verifies', (field) => {
  expect(signWebhook(withChanged(field), VECTOR_KEY)).not.toBe(VECTOR_SIGNATURE);
  expect(verifyWebhookSignature({ ...withChanged(field), signature: VECTOR_SIGNATURE }, VECTOR_KEY)).toBe(false);
});

test.each(['event_id', 'session_id', 'timestamp_utc', 'extra'])('changing the unsigned %s keeps it (as with Ottu)', (field) => {
  expect(signWebhook({ ...vectorPayload(), [field]: 'changed' }, VECTOR_KEY)).toBe(VECTOR_SIGNATURE);
});

test('a signed field that is undefined, null or empty is left out of the message, like an absent one', () => {
  for (const missing of [undefined, null, '']) {
    expect(signatureMessage({ amount: '14.000', order_no: missing, state: 'paid' })).toBe('amount14.000statepaid');
  }
});

test('only a lowercase 64-digit hex signature, exactly, verifies', () => {
  const signed = { ...vectorPayload(), signature: VECTOR_SIGNATURE };
  expect(verifyWebhookSignature(signed, VECTOR_KEY)).toBe(true);
  // A digit more or less at either end, uppercase, or not text at all.
  for (const signature of [`${VECTOR_SIGNATURE}0`, `0${VECTOR_SIGNATURE}`, VECTOR_SIGNATURE.slice(1), VECTOR_SIGNATURE.slice(0, -1), VECTOR_SIGNATURE.toUpperCase(), ` ${VECTOR_SIGNATURE}`]) {
    expect([signature, verifyWebhookSignature({ ...vectorPayload(), signature }, VECTOR_KEY)]).toEqual([signature, false]);
  }
  expect(verifyWebhookSignature({ ...vectorPayload(), signature: Buffer.from(VECTOR_SIGNATURE, 'hex') }, VECTOR_KEY)).toBe(false);
});

test('the message is signed as UTF-8 (Arabic names sign as Ottu computes them)', () => {
  const payload = { customer_first_name: 'هدى', amount: '1.000' };
  expect(signWebhook(payload, VECTOR_KEY)).toBe(hmacHex(VECTOR_KEY, 'amount1.000customer_first_nameهدى'));
});
