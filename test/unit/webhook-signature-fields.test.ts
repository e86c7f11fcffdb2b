import { SIGNED_FIELDS, signatureMessage, signWebhook, verifyWebhookSignature } from '../../functions/domain/webhook-signature';
import { SIGNED_VALUES, VECTOR_KEY, VECTOR_MESSAGE, VECTOR_SIGNATURE, vectorPayload, withChanged } from '../fixtures/signature-vector';

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
