import { invalid, type ApiError } from './api-errors';
import type { StoredCard } from './order-book';

/**
 * The gateway's token repository and the agreements its payers consented to, pure. MPGS
 * ("Gateway Tokenization", "Credential on File Transactions", API v100) stores a card against a
 * token and lets the merchant pay with `sourceOfFunds.token` instead of the card; a
 * merchant-initiated payment (`transaction.source` MERCHANT) names the agreement
 * (`agreement.id`, `agreement.type`) that a cardholder-initiated payment established.
 *
 * The repository is configured here as MPGS's "Random" token generation strategy with the
 * "Unique Token" management strategy: every save makes a new 16-digit token starting with 9
 * (the fake's choice of format; the documentation says only that a random token is
 * alphanumeric, at most 40 characters).
 */

/** MPGS v100 `agreement.type`. */
export const AGREEMENT_TYPES = ['RECURRING', 'INSTALLMENT', 'UNSCHEDULED', 'OTHER'] as const;
export type AgreementType = (typeof AGREEMENT_TYPES)[number];

/** The agreement fields a request carries (api-requests.ts checks them). */
export interface AgreementRequest {
  id: string;
  type: AgreementType;
  /** YYYY-MM-DD: no merchant-initiated payment under the agreement after it. */
  expiryDate?: string;
}

export interface StoredToken {
  token: string;
  merchantId: string;
  card: StoredCard;
  lastUpdated: Date;
  lastUsed?: Date;
}

/** An agreement as the gateway recorded it from the cardholder-initiated payment that set it up. */
export interface Agreement extends AgreementRequest {
  merchantId: string;
  /** The card the payer consented with (masked number and expiry: the fake's identity of a card). */
  card: StoredCard;
}

export class TokenVault {
  private readonly tokens = new Map<string, StoredToken>();
  private readonly agreements = new Map<string, Agreement>();

  constructor(
    private readonly now: () => Date,
    private readonly digits: (length: number) => string,
  ) {}

  /** Create (a new system-generated token) or update (the merchant's `tokenId`) a token for the card. */
  save(merchantId: string, card: StoredCard, tokenId?: string): StoredToken {
    const token = tokenId ?? this.freshToken();
    const stored: StoredToken = { token, merchantId, card: { ...card }, lastUpdated: this.now() };
    this.tokens.set(key(merchantId, token), stored);
    return stored;
  }

  token(merchantId: string, token: string): StoredToken | undefined {
    return this.tokens.get(key(merchantId, token));
  }

  /** Delete Token: true when it existed. Agreements stay: they belong to the payer's consent, not to the token. */
  delete(merchantId: string, token: string): boolean {
    return this.tokens.delete(key(merchantId, token));
  }

  used(stored: StoredToken): void {
    stored.lastUsed = this.now();
  }

  /** A cardholder-initiated payment with `agreement` succeeded: the payer consented with this card. */
  establish(merchantId: string, agreement: AgreementRequest, card: StoredCard): void {
    this.agreements.set(key(merchantId, agreement.id), { ...agreement, merchantId, card: { ...card } });
  }

  agreement(merchantId: string, id: string): Agreement | undefined {
    return this.agreements.get(key(merchantId, id));
  }

  /**
   * Why a merchant-initiated payment with this card under this agreement is refused, if it is:
   * the agreement must have been set up by a cardholder-initiated payment, with the same type and
   * the same card, and not have expired.
   */
  merchantInitiatedRefusal(merchantId: string, requested: AgreementRequest, card: StoredCard): ApiError | undefined {
    const agreement = this.agreement(merchantId, requested.id);
    if (!agreement) return invalid('agreement.id', `No agreement ${requested.id} was established by a cardholder-initiated payment`);
    if (agreement.type !== requested.type) return invalid('agreement.type', `Agreement ${requested.id} is of type ${agreement.type}`);
    if (agreement.card.number !== card.number || agreement.card.expiryMonth !== card.expiryMonth || agreement.card.expiryYear !== card.expiryYear) {
      return invalid('sourceOfFunds.token', `The card is not the one agreement ${requested.id} was established with`);
    }
    const expiry = requested.expiryDate ?? agreement.expiryDate;
    if (expiry && expiry < this.now().toISOString().slice(0, 10)) return invalid('agreement.expiryDate', `Agreement ${requested.id} expired on ${expiry}`);
    return undefined;
  }

  private freshToken(): string {
    for (;;) {
      const token = `9${this.digits(15)}`;
      if (![...this.tokens.values()].some((stored) => stored.token === token)) return token;
    }
  }
}

/** The card's expiry has passed: a card is valid to the end of its expiry month. */
export function cardExpired(card: StoredCard, now: Date): boolean {
  const year = 2000 + Number(card.expiryYear);
  const month = Number(card.expiryMonth);
  return now.getTime() >= Date.UTC(year, month, 1);
}

function key(merchantId: string, id: string): string {
  return `${merchantId}\n${id}`;
}
