/** The context keys Archflow sets for `when` clauses in package.json. */
import * as vscode from 'vscode';
import type { Logger } from '../core/log';

/** `archflow.running`: a run is in progress. `archflow.hasRun`: the tree has something to show. */
export type ContextKey = 'archflow.running' | 'archflow.hasRun';

/** Sets a context key; a failure only costs a menu item, so it is logged, not shown. */
export function setContextKey(key: ContextKey, value: boolean, log: Logger): void {
  vscode.commands.executeCommand('setContext', key, value).then(undefined, (err: unknown) => {
    log.warn(`Could not set context key ${key}: ${String(err)}`);
  });
}
