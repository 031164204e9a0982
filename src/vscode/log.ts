/** The "Archflow" log channel: the core Logger port over a VS Code LogOutputChannel. */
import * as vscode from 'vscode';
import type { Logger } from '../core/log';
import { vscodeErrorText } from './messages';

const SECRET_PATTERNS: readonly RegExp[] = [
  /sk-ant-[A-Za-z0-9_-]*/g,
  /(x-api-key["']?\s*[:=]\s*["']?)[^\s"',}]+/gi,
  /(authorization["']?\s*[:=]\s*["']?bearer\s+)[^\s"',}]+/gi,
];

/**
 * Masks anything that looks like an API key. Callers never pass secrets; this is the second line
 * of defence against an SDK error message or a stack that quotes a header.
 */
export function redactSecrets(text: string): string {
  return SECRET_PATTERNS.reduce(
    // Patterns with a capture group keep their prefix (the header name); the key pattern has none.
    (acc, re) => acc.replace(re, (_m: string, p1: unknown) => `${typeof p1 === 'string' ? p1 : 'sk-ant-'}…[redacted]`),
    text,
  );
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
