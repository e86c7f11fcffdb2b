import type { ShortLinkStore } from '../../ports';

/** In-memory twin of the DynamoDB short links; check-and-set without an await is atomic here. */
export class MemoryShortLinkStore implements ShortLinkStore {
  private readonly links = new Map<string, string>();

  async create(code: string, target: string): Promise<boolean> {
    if (this.links.has(code)) return false;
    this.links.set(code, target);
    return true;
  }

  async resolve(code: string): Promise<string | undefined> {
    return this.links.get(code);
  }

  async delete(code: string): Promise<void> {
    this.links.delete(code);
  }

  /** Every code (tests: proves nothing is left behind). */
  codes(): string[] {
    return [...this.links.keys()].sort();
  }
}
