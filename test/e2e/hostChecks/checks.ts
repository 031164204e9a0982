/**
 * Integration checks that need the VS Code API inside the extension host, run against the
 * installed Archflow extension: every contributed command is registered, activation is lazy,
 * the Workflow tree matches archflow.json, and settings are read (user, workspace, scopes).
 * Run by the host-checks extension in code-server and by @vscode/test-electron on desktop.
 * The workspace must hold a finished run in docs/architecture (the runners prepare it with the CLI).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import * as vscode from 'vscode';
import type { ArchflowTestApi } from '../../../src/vscode/extension';
import { type Probes, apiSurface, runChatChecks } from './chatProbes';
import { EXPECTED_SETTINGS, type HostCheck, type HostCheckReport } from './fixture';

export const ARCHFLOW_ID = 'archflow.archflow';

/** Commands VS Code itself registers for a contributed view (`<view id>.focus`, …). */
const VIEW_COMMAND = /^archflow\.progress\./;

interface Manifest {
  activationEvents?: string[];
  contributes?: {
    commands?: { command: string }[];
    menus?: Record<string, { command: string }[]>;
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  while (Date.now() < deadline) {
    last = await probe();
    if (last !== undefined) return last;
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/**
 * Runs every check; never throws (a failing check is a result). With `probes` (the host-checks
 * extension registered them) and a VS Code whose extensions can provide chat models, the chat and
 * language model checks run too.
 */
export async function runHostChecks(probes?: Probes): Promise<HostCheckReport> {
  const checks: HostCheck[] = [];
  const check = async (name: string, body: () => Promise<string>): Promise<void> => {
    try {
      checks.push({ name, ok: true, detail: await body() });
    } catch (err) {
      checks.push({ name, ok: false, detail: err instanceof Error ? err.message : String(err) });
    }
  };
  const ext = vscode.extensions.getExtension<ArchflowTestApi>(ARCHFLOW_ID);
  if (!ext) {
    checks.push({ name: 'Archflow is installed', ok: false, detail: `${ARCHFLOW_ID} not found` });
    return report(checks, probes);
  }
  const manifest = ext.packageJSON as Manifest;
  const contributed = (manifest.contributes?.commands ?? []).map((c) => c.command);

  // Before anything touches Archflow: nothing may have activated it at start-up.
  await check('activation is lazy', async () => {
    const events = manifest.activationEvents ?? [];
    const eager = events.filter((e) => e === '*' || e === 'onStartupFinished');
    if (eager.length > 0) throw new Error(`activationEvents has ${eager.join(', ')}`);
    if (ext.isActive) throw new Error('Archflow was already active at start-up, before any command or view');
    return `not active at start-up; activationEvents: ${JSON.stringify(events)}`;
  });

  await check('a contributed command activates it', async () => {
    // Reported, never asserted: the activation time of SPEC §10 (module load + activate()).
    const started = Date.now();
    await vscode.commands.executeCommand('archflow.refresh');
    const ms = Date.now() - started;
    if (!ext.isActive) throw new Error('still inactive after archflow.refresh');
    if (!ext.exports || typeof ext.exports.workflowTree !== 'function') throw new Error('activate returned no API');
    return `archflow.refresh activated the extension in ${ms} ms (activation and the command together)`;
  });

  await check('every contributed command is registered', async () => {
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((c) => !registered.has(c));
    if (missing.length > 0) throw new Error(`contributed but not registered: ${missing.join(', ')}`);
    const own = [...registered].filter((c) => c.startsWith('archflow.') && !VIEW_COMMAND.test(c));
    const undeclared = own.filter((c) => !contributed.includes(c));
    if (undeclared.length > 0) throw new Error(`registered but not in contributes.commands: ${undeclared.join(', ')}`);
    const menuCommands = Object.values(manifest.contributes?.menus ?? {}).flatMap((items) =>
      items.map((i) => i.command),
    );
    const unknownInMenus = [...new Set(menuCommands)].filter((c) => !contributed.includes(c));
    if (unknownInMenus.length > 0) throw new Error(`menus name commands not contributed: ${unknownInMenus.join(', ')}`);
    return `${contributed.length} commands contributed and registered`;
  });

  const api = ext.exports;
  const folder = vscode.workspace.workspaceFolders?.[0];

  await check('the Workflow tree matches archflow.json', async () => {
    if (!api || !folder) throw new Error('no API or no workspace folder');
    const outDir = path.join(folder.uri.fsPath, EXPECTED_SETTINGS.outputFolder);
    const state = JSON.parse(await fs.readFile(path.join(outDir, 'archflow.json'), 'utf8')) as {
      steps: Record<string, { status: string; files: string[] }>;
    };
    const tree = await waitFor('eight rows in the tree', async () => {
      const t = await api.workflowTree();
      return t.rows.length === 8 ? t : undefined;
    });
    if (tree.output !== EXPECTED_SETTINGS.outputFolder) throw new Error(`tree shows ${tree.output}`);
    const problems: string[] = [];
    for (const row of tree.rows) {
      const record = state.steps[String(row.id)];
      const want = record ? record.status : 'not-started';
      if (row.status !== want) problems.push(`step ${row.id}: tree ${row.status}, archflow.json ${want}`);
      const contextWant = `step.${want === 'not-started' ? 'notStarted' : want}`;
      if (row.contextValue !== contextWant) problems.push(`step ${row.id}: contextValue ${row.contextValue}`);
      const files = [...row.files].sort().join(', ');
      const recorded = [...(record?.files ?? [])].sort().join(', ');
      if (files !== recorded) problems.push(`step ${row.id}: tree files [${files}], archflow.json [${recorded}]`);
      if (!row.label.startsWith(`Step ${row.id}`)) problems.push(`step ${row.id}: label "${row.label}"`);
    }
    if (problems.length > 0) throw new Error(problems.join('; '));
    const done = tree.rows.filter((r) => r.status === 'done').length;
    return `8 rows, ${done} done, files and statuses as in archflow.json`;
  });

  await check('settings are read', async () => {
    if (!api || !folder) throw new Error('no API or no workspace folder');
    const got = api.settings();
    const want = EXPECTED_SETTINGS;
    if (!isDeepStrictEqual(got, want)) {
      throw new Error(`expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
    }
    // A change of archflow.outputFolder applies at once: the tree follows it, and back.
    const cfg = vscode.workspace.getConfiguration('archflow', folder.uri);
    await cfg.update('outputFolder', 'docs/elsewhere', vscode.ConfigurationTarget.Workspace);
    try {
      await waitFor('the tree to follow docs/elsewhere', async () => {
        const t = await api.workflowTree();
        return t.output === 'docs/elsewhere' && t.rows.length === 0 ? t : undefined;
      });
    } finally {
      await cfg.update('outputFolder', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await waitFor('the tree to come back', async () => {
      const t = await api.workflowTree();
      return t.output === want.outputFolder && t.rows.length === 8 ? t : undefined;
    });
    return 'user and workspace settings as expected (workspace baseUrl ignored); outputFolder change followed live';
  });

  if (probes && apiSurface()['lm.registerLanguageModelChatProvider']) await runChatChecks(check, probes);
  return report(checks, probes);
}

function report(checks: HostCheck[], probes?: Probes): HostCheckReport {
  return {
    vscodeVersion: vscode.version,
    appHost: vscode.env.appHost,
    api: apiSurface(),
    ...(probes ? { refused: probes.refused } : {}),
    ok: checks.every((c) => c.ok),
    checks,
    finishedAt: new Date().toISOString(),
  };
}

/** Runs the checks and writes the report to `file` (JSON). */
export async function runHostChecksTo(file: string, probes?: Probes): Promise<HostCheckReport> {
  const result = await runHostChecks(probes);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(`${file}.tmp`, JSON.stringify(result, null, 2));
  await fs.rename(`${file}.tmp`, file);
  return result;
}
