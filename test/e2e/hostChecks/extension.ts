/**
 * A test-only extension installed beside Archflow in code-server's extensions folder. It activates
 * at start-up but does nothing unless ARCHFLOW_HOST_CHECKS_OUT is set in code-server's environment
 * (the extension host inherits it); then it registers the chat probes (chatProbes.ts), runs the
 * host checks and writes their report there. With ARCHFLOW_HOST_CHECKS_ACTIVATIONS=N it then
 * reloads the window N-1 times, and each new extension host measures one more activation of
 * Archflow (checks.ts measureActivation), so the report has a distribution, not one figure.
 */
import * as vscode from 'vscode';
import { registerProbes } from './chatProbes';
import { measureActivationTo, runHostChecksTo } from './checks';
import { HOST_CHECKS_ACTIVATIONS_ENV, HOST_CHECKS_OUT_ENV } from './fixture';

/** How many hosts have measured an activation so far (kept across restarts of the host). */
const HOSTS_KEY = 'archflowHostChecks.hosts';

export function activate(context: vscode.ExtensionContext): void {
  const out = process.env[HOST_CHECKS_OUT_ENV];
  if (!out) return;
  const wanted = Number(process.env[HOST_CHECKS_ACTIVATIONS_ENV] ?? '1');
  const hosts = context.globalState.get<number>(HOSTS_KEY, 0);
  // Every host registers the probes: the test's Chat view steps run in the last one.
  const probes = registerProbes(context);
  const work = hosts === 0 ? runHostChecksTo(out, probes) : measureActivationTo(out);
  work
    .then(async () => {
      if (hosts + 1 >= wanted) return;
      await context.globalState.update(HOSTS_KEY, hosts + 1);
      // A reload connects a new window, and code-server starts a new extension host for it (the web
      // workbench has no "Restart Extension Host").
      await vscode.commands.executeCommand('workbench.action.reloadWindow');
    })
    .then(undefined, (err: unknown) => {
      // The checks never throw; only writing the report can fail, and then the test times out saying so.
      console.error(`archflow host checks: could not write ${out}: ${String(err)}`);
    });
}

export function deactivate(): void {
  // Nothing to clean up.
}
