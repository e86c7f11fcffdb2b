import { findGateway } from '../domain/config';
import { unusableCodes, type Principal } from '../domain/permissions';
import { tokenObject } from '../domain/saved-card';
import type { Ports, SavedCards } from '../ports';

export type ListCardsPorts = Pick<Ports, 'config' | 'clock'> & { savedCards: Pick<SavedCards, 'list'> };

export interface ListCardsInput {
  principal: Principal;
  customerId: string;
  type: 'sandbox' | 'production';
  pgCodes?: readonly string[];
  agreementId?: string | null;
}

/**
 * Ottu's `POST /b/pbl/v2/card/`: the customer's saved cards as Ottu's Card objects (the webhook's
 * `token` object), oldest first: those of the type's gateways (sandbox or production) the caller
 * may use, of `pg_codes` when given; with `agreement_id`, at most the one card the agreement now
 * charges (Ottu: "the latest card the customer has used for the auto-debit payment").
 */
export async function listCards(ports: ListCardsPorts, input: ListCardsInput) {
  const config = await ports.config.load();
  const now = ports.clock.now();
  const cards = await ports.savedCards.list(input.customerId);
  return cards
    .filter((card) => !input.agreementId || card.active_agreements.includes(input.agreementId))
    .filter((card) => !input.pgCodes?.length || input.pgCodes.includes(card.pg_code))
    .filter((card) => unusableCodes(input.principal, [card.pg_code]).length === 0)
    .flatMap((card) => {
      const setting = findGateway(config, card.pg_code);
      if (!setting || setting.is_sandbox !== (input.type === 'sandbox')) return [];
      return [tokenObject(card, { customer_id: card.customer_id, pg_code: card.pg_code, pg_name: setting.pg, agreements: card.active_agreements }, now)];
    });
}
