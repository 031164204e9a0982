/** The output folder as one run sees it: each file read from disk once, the run's writes kept in step. */
import type { ArtifactStore, FolderReader } from './store';

/**
 * A read-through cache over the store for the length of one run. Steps, staleness and the derived
 * files read through it, so a document is read once however many steps use it; every write and
 * removal goes through it, so what it returns is what the run left on disk. `readFresh` bypasses
 * it: a conflict check must see a user's edit made while the run went on.
 */
export class RunFiles implements FolderReader {
  private readonly cache = new Map<string, string | undefined>();

  constructor(readonly store: ArtifactStore) {}

  get root(): string {
    return this.store.root;
  }

  /** The file as the run knows it: from the cache, else read from disk once. */
  async read(rel: string): Promise<string | undefined> {
    if (this.cache.has(rel)) return this.cache.get(rel);
    const text = await this.store.read(rel);
    this.cache.set(rel, text);
    return text;
  }

  /** The file as it is on disk now (and the run knows it so from here on). */
  async readFresh(rel: string): Promise<string | undefined> {
    const text = await this.store.read(rel);
    this.cache.set(rel, text);
    return text;
  }

  /** Folder listings are not cached: a listing must show the files the run added. */
  list(relDir: string): Promise<string[]> {
    return this.store.list(relDir);
  }

  /** Writes atomically through the store. */
  async write(rel: string, content: string): Promise<void> {
    this.cache.delete(rel);
    await this.store.write(rel, content);
    this.cache.set(rel, content);
  }

  /** Deletes a file if it exists. */
  async remove(rel: string): Promise<void> {
    this.cache.delete(rel);
    await this.store.remove(rel);
    this.cache.set(rel, undefined);
  }
}
