import { findGateway } from '../domain/config';
import { NotFoundError, PermissionDeniedError, ServiceUnavailableError, ValidationError } from '../domain/errors';
import { unusableCodes, type Principal } from '../domain/permissions';
import type { Ports } from '../ports';
import type { CardKeeper } from '../ports/saved-cards';

export type DeleteCardPorts = Pick<Ports, 'config' | 'gateways' | 'log'> & { savedCards: CardKeeper };

export interface DeleteCardInput {
  principal: Principal;
  customerId: string;
  token: string;
  /** Ottu's `type`: the card is one of a sandbox or a production gateway's. */
  type: 'sandbox' | 'production';
}

const IN_USE = 'This card is charged by an active auto-debit agreement; it can be deleted once another card replaces it.';

/**
 * Ottu's `DELETE /b/pbl/v2/card/{token}/`: the customer's saved card is deleted at the gateway,
 * then here. A card an active agreement charges is refused (400, Ottu's rule: until another
 * card replaces it), before and again at the delete itself (a conditional write). A gateway
 * that does not answer leaves the card (503): a retry finishes it; a token the gateway no
 * longer knows is deleted here all the same.
 */
export async function deleteCard(ports: DeleteCardPorts, input: DeleteCardInput): Promise<void> {
  const card = await ports.savedCards.get(input.customerId, input.token);
  const setting = card && findGateway(await ports.config.load(), card.pg_code);
  // Another type's card, or a gateway no longer configured, is not among this list: not found.
  if (!card || !setting || setting.is_sandbox !== (input.type === 'sandbox')) throw new NotFoundError();
  if (unusableCodes(input.principal, [card.pg_code]).length > 0) throw new PermissionDeniedError(`You do not have permission to use the payment gateway(s): ${card.pg_code}.`);
  if (card.active_agreements.length > 0) throw new ValidationError({ token: [IN_USE] });
  const tokens = (await ports.gateways.connect(setting))?.tokens;
  if (!tokens) throw new ServiceUnavailableError('The payment gateway of this card cannot be reached now; try again.');
  const atGateway = await tokens.delete(input.token);
  if (typeof atGateway !== 'string') {
    ports.log.warn('a card token could not be deleted at the gateway', new Error(atGateway.explanation));
    throw new ServiceUnavailableError('The payment gateway did not answer; the card is kept. Try again.');
  }
  const here = await ports.savedCards.delete(input.customerId, input.token);
  if (here === 'in_use') throw new ValidationError({ token: [IN_USE] });
}
