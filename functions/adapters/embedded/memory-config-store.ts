import type { AuditEntry } from '../../domain/audit';
import type { MerchantConfig } from '../../domain/config';
import type { ConfigStore } from '../../ports';
import type { MemoryAuditLog } from './memory-audit-log';

export class MemoryConfigStore implements ConfigStore {
  private keys: string[];

  constructor(
    private config: MerchantConfig,
    key: string | string[],
    private readonly audit?: MemoryAuditLog,
  ) {
    this.keys = [key].flat();
  }
  async load(): Promise<MerchantConfig> {
    return this.config;
  }
  async webhookKeys(): Promise<string[]> {
    return [...this.keys];
  }
  async webhookKey(): Promise<string> {
    return this.keys[0]!;
  }
  async rehashPassword(username: string, from: string, to: string, entry: AuditEntry): Promise<void> {
    const user = this.config.users.find((candidate) => candidate.username === username);
    if (user?.password_hash !== from) return;
    this.audit?.append(entry);
    this.config = { ...this.config, users: this.config.users.map((candidate) => (candidate === user ? { ...candidate, password_hash: to } : candidate)) };
  }
  replace(config: MerchantConfig, entry?: AuditEntry): void {
    if (entry) this.audit?.append(entry);
    this.config = config;
  }
  /** A rotation: these keys sign from now on, the first one Ottu's `signature`. */
  replaceWebhookKeys(keys: string[]): void {
    this.keys = [...keys];
  }
}
