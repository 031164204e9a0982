/**
 * A test-only extension installed beside Archflow in code-server's extensions folder. It activates
 * at start-up but does nothing unless ARCHFLOW_HOST_CHECKS_OUT is set in code-server's environment
 * (the extension host inherits it); then it registers the chat probes (chatProbes.ts), runs the
 * host checks and writes their report there.
 */
import type * as vscode from 'vscode';
import { registerProbes } from './chatProbes';
import { runHostChecksTo } from './checks';
import { HOST_CHECKS_OUT_ENV } from './fixture';

export function activate(context: vscode.ExtensionContext): void {
  const out = process.env[HOST_CHECKS_OUT_ENV];
  if (!out) return;
  const probes = registerProbes(context);
  runHostChecksTo(out, probes).then(undefined, (err: unknown) => {
    // The checks never throw; only writing the report can fail, and then the test times out saying so.
    console.error(`archflow host checks: could not write ${out}: ${String(err)}`);
  });
}

export function deactivate(): void {
  // Nothing to clean up.
}
