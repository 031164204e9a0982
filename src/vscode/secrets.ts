/** The Anthropic API key: VS Code SecretStorage first, then the ANTHROPIC_API_KEY environment variable. */
import * as vscode from 'vscode';

export const API_KEY_SECRET = 'archflow.anthropicApiKey';

export interface ApiKey {
  key: string;
  source: 'secret-storage' | 'environment';
}

export class ApiKeyStore {
  constructor(private readonly storage: vscode.SecretStorage) {}

  /** The key to use, or undefined when there is none. */
  async get(): Promise<ApiKey | undefined> {
    const stored = (await this.storage.get(API_KEY_SECRET))?.trim();
    if (stored) return { key: stored, source: 'secret-storage' };
    const env = process.env.ANTHROPIC_API_KEY?.trim();
    return env ? { key: env, source: 'environment' } : undefined;
  }

  async hasStoredKey(): Promise<boolean> {
    return Boolean((await this.storage.get(API_KEY_SECRET))?.trim());
  }

  async store(key: string): Promise<void> {
    await this.storage.store(API_KEY_SECRET, key.trim());
  }

  async clear(): Promise<void> {
    await this.storage.delete(API_KEY_SECRET);
  }

  /** Calls `listener` when the stored key is set or removed (in this window or another). */
  onDidChange(listener: () => void): vscode.Disposable {
    return this.storage.onDidChange((e) => {
      if (e.key === API_KEY_SECRET) listener();
    });
  }

  /** Whether the environment provides a key, which still applies after Clear API Key. */
  static environmentHasKey(): boolean {
    return Boolean(process.env.ANTHROPIC_API_KEY?.trim());
  }
}
