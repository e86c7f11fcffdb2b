import { invalid, isApiError, type ApiError } from './api-errors';
import type { GatewayContext, MerchantSettings } from './context';
import { jsonText } from './json-text';
import { notify } from './notify-order';
import type { StoredCard, TokenPaymentRequest } from './order-book';
import { transactionJson } from './order-json';
import { EXPIRY_OUTCOMES, OTHER_EXPIRY, type Outcome } from './test-cards';
import { cardExpired, type StoredToken } from './token-vault';

/**
 * Tokenization (API v100): Create or Update Token from a checkout session
 * (`POST …/token`: the gateway makes the token; `PUT …/token/{tokenId}`: the merchant names
 * it), Retrieve Token (`GET`), Delete Token (`DELETE`), and PAY / AUTHORIZE / VERIFY with
 * `sourceOfFunds.token`, cardholder- or merchant-initiated.
 */

type Answer = { status: number; body: object } | ApiError;

const EXPIRED: Outcome = EXPIRY_OUTCOMES['04/27']!;

function tokenJson(stored: StoredToken): object {
  const { card } = stored;
  return {
    repositoryId: `LOCAL_REPOSITORY_${stored.merchantId}`,
    result: 'SUCCESS',
    sourceOfFunds: {
      provided: {
        card: {
          brand: card.brand,
          // Tokenization answers the expiry as MMYY, unlike Retrieve Order's {month, year}.
          expiry: `${card.expiryMonth.padStart(2, '0')}${card.expiryYear}`,
          fundingMethod: 'CREDIT',
          nameOnCard: card.nameOnCard || undefined,
          number: card.number,
          scheme: card.brand,
        },
      },
      type: 'CARD',
    },
    status: 'VALID',
    token: stored.token,
    usage: { lastUpdated: stored.lastUpdated.toISOString(), lastUpdatedBy: stored.merchantId, ...(stored.lastUsed && { lastUsed: stored.lastUsed.toISOString() }) },
    verificationStrategy: 'NONE',
  };
}

const noToken = (field: string) => invalid(field, 'The token is not valid: no such token exists for this merchant');

/**
 * The card a checkout session was paid (or verified) with. MPGS stores the session's card
 * details for a token only once the payer has entered them; here that means a successful
 * hosted transaction on the session's order (a declined card is not worth keeping).
 */
function sessionCard(context: GatewayContext, merchant: MerchantSettings, sessionId: string): StoredCard | ApiError {
  const session = context.book.session(sessionId);
  if (!session || session.merchantId !== merchant.id) return invalid('session.id', `No session ${sessionId} exists for this merchant`);
  const order = context.book.order(merchant.id, session.order.id);
  const paid = order?.transactions.some((txn) => txn.entryPoint === 'CHECKOUT' && txn.result === 'SUCCESS');
  if (!order?.card || !paid) return invalid('session.id', `Session ${sessionId} holds no card details: the payer has not completed a payment or verification with it`);
  return order.card;
}

export function saveToken(context: GatewayContext, merchant: MerchantSettings, sessionId: string, tokenId?: string): Answer {
  const card = sessionCard(context, merchant, sessionId);
  if (isApiError(card)) return card;
  return { status: 201, body: tokenJson(context.vault.save(merchant.id, card, tokenId)) };
}

export function retrieveToken(context: GatewayContext, merchant: MerchantSettings, tokenId: string): Answer {
  const stored = context.vault.token(merchant.id, tokenId);
  return stored ? { status: 200, body: tokenJson(stored) } : noToken('tokenid');
}

export function deleteToken(context: GatewayContext, merchant: MerchantSettings, tokenId: string): Answer {
  return context.vault.delete(merchant.id, tokenId) ? { status: 200, body: { result: 'SUCCESS' } } : noToken('tokenid');
}

/** The test acquirer's answer for a stored card: an expired card is EXPIRED_CARD, else the expiry table decides (no CSC: none is stored). */
function storedCardOutcome(card: StoredCard, now: Date): Outcome {
  if (cardExpired(card, now)) return EXPIRED;
  return EXPIRY_OUTCOMES[`${card.expiryMonth.padStart(2, '0')}/${card.expiryYear}`] ?? OTHER_EXPIRY;
}

/**
 * A payment with a token. Refused (400, nothing recorded) when the token is unknown, or when a
 * merchant-initiated payment names an agreement the payer never consented to with that card
 * (token-vault.ts); a card that has expired since it was saved is sent and declined
 * EXPIRED_CARD, as an acquirer answers it. A successful cardholder-initiated payment with an
 * agreement establishes the agreement, as the hosted page does.
 */
export function payWithToken(context: GatewayContext, merchant: MerchantSettings, orderId: string, transactionId: string, request: TokenPaymentRequest): Answer {
  const stored = context.vault.token(merchant.id, request.token);
  if (!stored) return noToken('sourceOfFunds.token');
  if (request.source === 'MERCHANT') {
    const refusal = context.vault.merchantInitiatedRefusal(merchant.id, request.agreement!, stored.card);
    if (refusal) return refusal;
  }
  const now = new Date();
  const done = context.book.payWithToken(merchant.id, orderId, transactionId, request, stored.card, storedCardOutcome(stored.card, now));
  if (isApiError(done)) return done;
  const answer = transactionJson(done.order, done.transaction);
  if (!done.repeated) {
    context.vault.used(stored);
    if (request.source === 'INTERNET' && request.agreement && done.transaction.result === 'SUCCESS') context.vault.establish(merchant.id, request.agreement, stored.card);
    notify(context, merchant, done.order, done.transaction.id, jsonText(answer));
  }
  return { status: 201, body: answer };
}
