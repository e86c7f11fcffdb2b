export interface ShortLinkStore {
  /** Stores `code` → `target` only if the code is free (a conditional write); false when taken. */
  create(code: string, target: string): Promise<boolean>;
  resolve(code: string): Promise<string | undefined>;
  delete(code: string): Promise<void>;
}

/** Resolving alone (dynamoShortLinkReader: GetItem only). */
export type ShortLinkReader = Pick<ShortLinkStore, 'resolve'>;
