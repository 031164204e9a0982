/**
 * A test-only extension for VS Code 1.104+ (code-server 4.139 in the e2e suite): registers the
 * fake models of models.ts as a language model chat provider. Each request goes to the fake
 * Anthropic server named by ARCHFLOW_FAKE_LM_URL through the real SDK, streamed, so
 * `vscode.lm.selectChatModels()` and the Chat view get the fake server's answers.
 */
import * as vscode from 'vscode';
import { lmWithProviders } from './lmApi';
import { FAKE_LM_URL_ENV, FAKE_LM_VENDOR } from './models';
import { FakeModelProvider } from './provider';

export function activate(context: vscode.ExtensionContext): void {
  const lm = lmWithProviders(vscode.lm);
  if (!lm) {
    console.error(`fake language model: VS Code ${vscode.version} has no vscode.lm.registerLanguageModelChatProvider`);
    return;
  }
  context.subscriptions.push(
    lm.registerLanguageModelChatProvider(FAKE_LM_VENDOR, new FakeModelProvider(process.env[FAKE_LM_URL_ENV])),
  );
}

export function deactivate(): void {
  // The registration is disposed with the context.
}
