/**
 * The part of VS Code's language model provider API (finalized in 1.104, newer than the
 * `@types/vscode` of engines.vscode) that the fake language model uses, declared here so that it
 * compiles against the old types; whether the running VS Code has it is checked at run time.
 */
import type * as vscode from 'vscode';

/** One model a provider offers (LanguageModelChatInformation). */
export interface ChatModelInfo {
  readonly id: string;
  readonly name: string;
  readonly family: string;
  readonly version: string;
  readonly maxInputTokens: number;
  readonly maxOutputTokens: number;
  readonly tooltip?: string;
  readonly detail?: string;
  /** Shown in the Chat view's model picker. */
  readonly isUserSelectable?: boolean;
  readonly capabilities: { readonly imageInput?: boolean; readonly toolCalling?: boolean | number };
}

/** A message handed to a provider (LanguageModelChatRequestMessage). */
export interface ChatRequestMessage {
  readonly role: vscode.LanguageModelChatMessageRole | number;
  readonly content: readonly unknown[];
  readonly name: string | undefined;
}

/** LanguageModelChatProvider. */
export interface ChatModelProvider<T extends ChatModelInfo = ChatModelInfo> {
  provideLanguageModelChatInformation(options: { silent: boolean }, token: vscode.CancellationToken): T[];
  provideLanguageModelChatResponse(
    model: T,
    messages: readonly ChatRequestMessage[],
    options: { readonly modelOptions?: Record<string, unknown> },
    progress: vscode.Progress<vscode.LanguageModelTextPart>,
    token: vscode.CancellationToken,
  ): Thenable<void>;
  provideTokenCount(model: T, text: string | ChatRequestMessage, token: vscode.CancellationToken): Thenable<number>;
}

/** `vscode.lm` with the provider registration. */
export interface LmWithProviders {
  registerLanguageModelChatProvider(vendor: string, provider: ChatModelProvider): vscode.Disposable;
}

/** `vscode.lm` when the running VS Code lets extensions provide chat models; else undefined. */
export function lmWithProviders(lm: typeof vscode.lm): LmWithProviders | undefined {
  const candidate = lm as unknown as Partial<LmWithProviders>;
  return typeof candidate.registerLanguageModelChatProvider === 'function'
    ? (lm as unknown as LmWithProviders)
    : undefined;
}
