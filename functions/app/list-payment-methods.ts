import { findGateway } from '../domain/config';
import type { PaymentMethodsBody } from '../domain/operation-schema';
import { tokenizes } from '../domain/gateway';
import { EXTERNAL_OPERATIONS } from '../domain/operations';
import { unusableCodes, type Principal } from '../domain/permissions';
import { tokenObject } from '../domain/saved-card';
import type { Ports, SavedCards } from '../ports';

export type ListPaymentMethodsPorts = Pick<Ports, 'config' | 'clock'> & { savedCards: Pick<SavedCards, 'list'> };

/**
 * POST /b/pbl/v2/payment-methods/: the gateway codes the caller may use (a Basic user only its
 * own), narrowed by currency, operation, type, gateway name, tokenization, auto-debit, tags and
 * payment services as Ottu documents. A gateway that keeps cards (MPGS) is tokenizable and
 * auto-debits. With `customer_id`, `customer_payment_methods` lists what the customer paid with
 * and kept (Ottu: "payment methods that have been successfully used with a paid payment attempt
 * by this customer"): the customer's saved cards as Ottu's Card objects (the card list's), of
 * the gateways listed here that keep cards; empty without customer_id. The list reads only the
 * customer's partition (one Query).
 */
export async function listPaymentMethods(ports: ListPaymentMethodsPorts, principal: Principal, body: PaymentMethodsBody, baseUrl: string) {
  const config = await ports.config.load();
  const codes = config.gateways.map((gateway) => gateway.code);
  const unusable = new Set(unusableCodes(principal, codes));
  const gateways = codes
    .filter((code) => !unusable.has(code))
    .map((code) => findGateway(config, code)!)
    .filter((gateway) => !body.currencies?.length || body.currencies.some((currency) => gateway.currencies.includes(currency)))
    .filter((gateway) => !body.operation || gateway.operation === body.operation)
    .filter((gateway) => !body.type || (body.type === 'sandbox') === gateway.is_sandbox)
    .filter((gateway) => !body.pg_names?.length || body.pg_names.some((name) => name.toLowerCase() === gateway.pg.toLowerCase()))
    .filter((gateway) => (!body.tokenizable && !body.auto_debit) || tokenizes(gateway))
    // No gateway here carries tags or payment services (see the answer's fields below): asking
    // for one of those leaves none.
    .filter(() => !body.tags?.length && !body.payment_services?.length);
  const keeping = new Map(gateways.filter(tokenizes).map((gateway) => [gateway.code, gateway]));
  const now = ports.clock.now();
  const cards = body.customer_id && keeping.size > 0 ? await ports.savedCards.list(body.customer_id) : [];
  return {
    customer_payment_methods: cards.flatMap((card) => {
      const gateway = keeping.get(card.pg_code);
      return gateway ? [tokenObject(card, { customer_id: card.customer_id, pg_code: card.pg_code, pg_name: gateway.pg, agreements: card.active_agreements }, now)] : [];
    }),
    payment_methods: gateways.map((gateway) => ({
      code: gateway.code,
      name: gateway.name,
      pg: gateway.pg,
      is_sandbox: gateway.is_sandbox,
      logo: gateway.icon.startsWith('/') ? baseUrl + gateway.icon : gateway.icon,
      wallets: [],
      payment_services: [],
      default_currency: gateway.currencies[0] ?? '',
      accepted_currencies: gateway.currencies,
      operation: gateway.operation,
      operations: gateway.operation === 'authorize' ? [...EXTERNAL_OPERATIONS] : ['refund'],
      is_tokenizable: tokenizes(gateway),
      auto_debit_enabled: tokenizes(gateway),
      tags: [],
    })),
  };
}
