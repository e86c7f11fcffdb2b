import type { AttachmentStore, FileDownload, StoredFile, StoredFileInfo } from '../../ports';

/** In-memory twin of the S3 store; downloads stream the bytes through the API. */
export class MemoryAttachmentStore implements AttachmentStore {
  private readonly files = new Map<string, StoredFile>();

  async put(key: string, file: StoredFile): Promise<void> {
    this.files.set(key, copyOf(file));
  }

  async copy(from: string, to: string): Promise<boolean> {
    const file = this.files.get(from);
    if (!file) return false;
    this.files.set(to, copyOf(file));
    return true;
  }

  async head(key: string): Promise<StoredFileInfo | undefined> {
    const file = this.files.get(key);
    return file && { contentType: file.contentType, filename: file.filename, size: file.content.length };
  }

  async download(key: string): Promise<FileDownload | undefined> {
    const file = this.files.get(key);
    return file && { kind: 'content', file: copyOf(file) };
  }

  async delete(key: string): Promise<void> {
    this.files.delete(key);
  }

  async list(): Promise<string[]> {
    return [...this.files.keys()].sort();
  }
}

// Callers may reuse their buffers; the store keeps its own bytes.
function copyOf(file: StoredFile): StoredFile {
  return { ...file, content: Uint8Array.from(file.content) };
}
