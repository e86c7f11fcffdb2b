import { applyCycleStep, mayReserve, NO_CYCLES, type AgreementCycles, type CycleStep } from '../../domain/agreement-cycle';
import { assertMaskedCardNumber } from '../../domain/saved-card';
import type { DeleteCardResult, SavedCard, SavedCards, StoredCard } from '../../ports';

/** An agreement item: the card it charges (none once ended) and its cycles. */
interface AgreementEntry {
  token?: string;
  cycles: AgreementCycles;
}

/**
 * In-memory twin of the DynamoDB saved cards; each method runs without an await, so atomically.
 * The embedded session store applies an auto-debit write's cycle step here in the same
 * synchronous commit (`cycleStepAllowed`, `applyCycleStep`), as DynamoDB does in one transaction.
 */
export class MemorySavedCards implements SavedCards {
  /** customer → token → card. */
  private readonly cards = new Map<string, Map<string, StoredCard>>();
  /** customer → agreement → its item. */
  private readonly agreements = new Map<string, Map<string, AgreementEntry>>();

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

  async useForAgreement(customerId: string, agreementId: string, token: string, paidAt?: string): Promise<'ok' | 'not_found'> {
    const card = this.cards.get(customerId)?.get(token);
    if (!card) return 'not_found';
    const entry = this.entry(customerId, agreementId);
    if (entry.token !== undefined) this.release(customerId, entry.token, agreementId);
    entry.token = token;
    if (paidAt !== undefined) entry.cycles = { ...entry.cycles, last_paid_at: paidAt };
    if (!card.active_agreements.includes(agreementId)) card.active_agreements = [...card.active_agreements, agreementId].sort();
    return 'ok';
  }

  async agreementCard(customerId: string, agreementId: string): Promise<string | undefined> {
    return this.agreements.get(customerId)?.get(agreementId)?.token;
  }

  async agreementCycles(customerId: string, agreementId: string): Promise<AgreementCycles> {
    return structuredClone(this.agreements.get(customerId)?.get(agreementId)?.cycles ?? NO_CYCLES);
  }

  async endAgreement(customerId: string, agreementId: string): Promise<void> {
    const entry = this.agreements.get(customerId)?.get(agreementId);
    if (entry?.token === undefined) return;
    this.release(customerId, entry.token, agreementId);
    delete entry.token;
  }

  async delete(customerId: string, token: string): Promise<DeleteCardResult> {
    const card = this.cards.get(customerId)?.get(token);
    if (!card) return 'not_found';
    if (card.active_agreements.length > 0) return 'in_use';
    this.cards.get(customerId)!.delete(token);
    return 'deleted';
  }

  /** Whether the step's condition holds now (only a `reserve` has one). Synchronous: part of a commit. */
  cycleStepAllowed(step: CycleStep): boolean {
    if (step.kind !== 'reserve') return true;
    const entry = this.agreements.get(step.customer_id)?.get(step.agreement_id);
    return mayReserve(step, entry?.cycles ?? NO_CYCLES, entry?.token !== undefined);
  }

  /** Applies the step (after `cycleStepAllowed`). Synchronous: part of a commit. */
  applyCycleStep(step: CycleStep): void {
    const entry = this.entry(step.customer_id, step.agreement_id);
    entry.cycles = applyCycleStep(entry.cycles, step);
  }

  private entry(customerId: string, agreementId: string): AgreementEntry {
    const agreements = this.agreements.get(customerId) ?? new Map<string, AgreementEntry>();
    this.agreements.set(customerId, agreements);
    const entry = agreements.get(agreementId) ?? { cycles: structuredClone(NO_CYCLES) };
    agreements.set(agreementId, entry);
    return entry;
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
