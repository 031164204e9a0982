/** The "Archflow" log channel: the core Logger port over a VS Code LogOutputChannel. */
import * as vscode from 'vscode';
import type { Logger } from '../core/log';
import { redactSecrets as redactCore } from '../core/redact';
import { vscodeErrorText } from './messages';

/**
 * Masks secrets and anything that looks like an API key (the core's one redaction, redact.ts).
 * Callers never pass secrets; this is the second line of defence against an SDK error message or
 * a stack that quotes a header.
 */
export function redactSecrets(text: string): string {
  return redactCore(text);
}

/** The message of any thrown value, for the user and the log: the core's cause with the extension's remedy. */
export function errorMessage(err: unknown): string {
  return vscodeErrorText(err);
}

export class ExtensionLog implements Logger, vscode.Disposable {
  private readonly channel = vscode.window.createOutputChannel('Archflow', { log: true });

  info(message: string): void {
    this.channel.info(redactSecrets(message));
  }

  warn(message: string): void {
    this.channel.warn(redactSecrets(message));
  }

  error(message: string): void {
    this.channel.error(redactSecrets(message));
  }

  /** Logs a failure with its stack (the user sees only the message). */
  failure(context: string, err: unknown): void {
    const detail = err instanceof Error && err.stack ? err.stack : errorMessage(err);
    this.error(`${context}: ${detail}`);
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
