/** A file as it is kept: its bytes and how to serve them. */
export interface StoredFile {
  content: Uint8Array;
  contentType: string;
  /** The name the uploader gave it, offered again on download. */
  filename: string;
}

export interface StoredFileInfo {
  contentType: string;
  filename: string;
  size: number;
}

/**
 * How a download is served: a short-lived link straight to the private object (S3 presigned
 * GET), or the bytes through the API (embedded).
 */
export type FileDownload = { kind: 'redirect'; url: string } | { kind: 'content'; file: StoredFile };

/** Private storage for attachments. Keys are chosen by the caller and never reused. */
export interface AttachmentStore {
  put(key: string, file: StoredFile): Promise<void>;
  /** Copies an object to a new key (metadata included); false when `from` does not exist. */
  copy(from: string, to: string): Promise<boolean>;
  head(key: string): Promise<StoredFileInfo | undefined>;
  download(key: string): Promise<FileDownload | undefined>;
  /** Removes an object; removing a missing one is no error. */
  delete(key: string): Promise<void>;
  /** Every key (operations and tests: proves nothing is left behind). */
  list(): Promise<string[]>;
}
