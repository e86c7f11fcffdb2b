import { assertMaskedCardNumber } from '../../domain/saved-card';
import type { DeleteCardResult, SavedCard, SavedCards, StoredCard } from '../../ports';

/** In-memory twin of the DynamoDB saved cards; each method runs without an await, so atomically. */
export class MemorySavedCards implements SavedCards {
  /** customer → token → card. */
  private readonly cards = new Map<string, Map<string, StoredCard>>();
  /** customer → agreement → token of the card it charges. */
  private readonly agreements = new Map<string, Map<string, string>>();

  async save(card: SavedCard): Promise<void> {
    assertMaskedCardNumber(card.number);
    const cards = this.customerCards(card.customer_id);
    const existing = cards.get(card.token);
    cards.set(card.token, { ...structuredClone(card), active_agreements: existing?.active_agreements ?? [] });
  }

  async get(customerId: string, token: string): Promise<StoredCard | undefined> {
    const card = this.cards.get(customerId)?.get(token);
    return card && structuredClone(card);
  }

  async list(customerId: string, filter: { pgCode?: string; agreementId?: string } = {}): Promise<StoredCard[]> {
    return [...(this.cards.get(customerId)?.values() ?? [])]
      .filter((card) => (filter.pgCode === undefined || card.pg_code === filter.pgCode) && (filter.agreementId === undefined || card.agreement_id === filter.agreementId))
      .sort((a, b) => a.created_at.localeCompare(b.created_at) || a.token.localeCompare(b.token))
      .map((card) => structuredClone(card));
  }

  async useForAgreement(customerId: string, agreementId: string, token: string): Promise<'ok' | 'not_found'> {
    const card = this.cards.get(customerId)?.get(token);
    if (!card) return 'not_found';
    const agreements = this.agreements.get(customerId) ?? new Map<string, string>();
    this.agreements.set(customerId, agreements);
    const previous = agreements.get(agreementId);
    if (previous !== undefined) this.release(customerId, previous, agreementId);
    agreements.set(agreementId, token);
    if (!card.active_agreements.includes(agreementId)) card.active_agreements = [...card.active_agreements, agreementId].sort();
    return 'ok';
  }

  async agreementCard(customerId: string, agreementId: string): Promise<string | undefined> {
    return this.agreements.get(customerId)?.get(agreementId);
  }

  async endAgreement(customerId: string, agreementId: string): Promise<void> {
    const token = this.agreements.get(customerId)?.get(agreementId);
    if (token === undefined) return;
    this.release(customerId, token, agreementId);
    this.agreements.get(customerId)!.delete(agreementId);
  }

  async delete(customerId: string, token: string): Promise<DeleteCardResult> {
    const card = this.cards.get(customerId)?.get(token);
    if (!card) return 'not_found';
    if (card.active_agreements.length > 0) return 'in_use';
    this.cards.get(customerId)!.delete(token);
    return 'deleted';
  }

  private release(customerId: string, token: string, agreementId: string): void {
    const card = this.cards.get(customerId)?.get(token);
    if (card) card.active_agreements = card.active_agreements.filter((id) => id !== agreementId);
  }

  private customerCards(customerId: string): Map<string, StoredCard> {
    const cards = this.cards.get(customerId) ?? new Map<string, StoredCard>();
    this.cards.set(customerId, cards);
    return cards;
  }
}
