/** "Set API Key" and "Clear API Key". The key goes to SecretStorage only and is never logged. */
import * as vscode from 'vscode';
import type { ExtensionLog } from '../log';
import { setProvider } from '../config';
import { availableChatModels } from '../lmClient';
import { ApiKeyStore } from '../secrets';

/** Light checks: catch a pasted sentence or a truncated key, without guessing the exact format. */
export function validateApiKey(value: string): string | vscode.InputBoxValidationMessage | undefined {
  const key = value.trim();
  if (key === '') return undefined;
  if (/\s/.test(key)) return 'An API key has no spaces or line breaks.';
  if (key.length < 20) return 'This is too short to be an Anthropic API key.';
  if (!key.startsWith('sk-ant-')) {
    return {
      message: 'Anthropic API keys usually start with "sk-ant-". Press Enter to use this one anyway.',
      severity: vscode.InputBoxValidationSeverity.Warning,
    };
  }
  return undefined;
}

/** Asks for a key and stores it; true when a key was stored. */
export async function setApiKey(store: ApiKeyStore, log: ExtensionLog): Promise<boolean> {
  const value = await vscode.window.showInputBox({
    title: 'Archflow: Anthropic API Key',
    prompt: "Stored in VS Code's Secret Storage, never in settings or files. Create a key at console.anthropic.com.",
    placeHolder: 'sk-ant-…',
    password: true,
    ignoreFocusOut: true,
    validateInput: validateApiKey,
  });
  const key = value?.trim();
  if (!key) return false;
  await store.store(key);
  log.info('Anthropic API key saved in Secret Storage.');
  void vscode.window.showInformationMessage("Archflow: API key saved in VS Code's Secret Storage.");
  return true;
}

/** Deletes the stored key, saying whether the environment still provides one. */
export async function clearApiKey(store: ApiKeyStore, log: ExtensionLog): Promise<void> {
  const had = await store.hasStoredKey();
  await store.clear();
  log.info(had ? 'Anthropic API key removed from Secret Storage.' : 'Clear API Key: no key was stored.');
  const env = ApiKeyStore.environmentHasKey() ? ' Archflow still uses ANTHROPIC_API_KEY from the environment.' : '';
  void vscode.window.showInformationMessage(
    had ? `Archflow: API key removed from Secret Storage.${env}` : `Archflow: no API key was stored.${env}`,
  );
}

/**
 * "Use VS Code's Language Models" (the walkthrough's other way in): sets `archflow.provider` to
 * `vscode-lm` when VS Code offers a model, and says what to install when it offers none.
 */
export async function useVscodeLm(log: ExtensionLog): Promise<void> {
  const models = await availableChatModels();
  if (models.length === 0) {
    await vscode.window.showWarningMessage(
      'Archflow: VS Code offers no language model yet. Install and sign in to an extension that provides chat models (such as GitHub Copilot), or set an Anthropic API key.',
    );
    return;
  }
  await setProvider('vscode-lm');
  log.info(`'archflow.provider' set to 'vscode-lm' (${models.length} model(s) available).`);
  const names = [...new Set(models.map((m) => m.name))].slice(0, 3).join(', ');
  void vscode.window.showInformationMessage(
    `Archflow: the agents now use VS Code's language models (${names}; Claude preferred). VS Code asks once for access on the first run.`,
  );
}
