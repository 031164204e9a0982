/**
 * Integration checks that need the VS Code API inside the extension host, run against the
 * installed Archflow extension: every contributed command is registered, activation is lazy,
 * the Workflow tree matches archflow.json, and settings are read (user, workspace, scopes).
 * Run by the host-checks extension in code-server and by @vscode/test-electron on desktop.
 * The workspace must hold a finished run in docs/architecture (the runners prepare it with the CLI).
 */
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import * as vscode from 'vscode';
import type { ArchflowTestApi } from '../../../src/vscode/extension';
import { type Probes, apiSurface, runChatChecks } from './chatProbes';
import {
  type ActivationSample,
  EXPECTED_SETTINGS,
  activationsFile,
  type HostCheck,
  type HostCheckReport,
} from './fixture';

export const ARCHFLOW_ID = 'archflow.archflow';

/** Commands VS Code itself registers for a contributed view (`<view id>.focus`, …). */
const VIEW_COMMAND = /^archflow\.progress\./;

interface Manifest {
  activationEvents?: string[];
  contributes?: {
    commands?: { command: string }[];
    menus?: Record<string, { command: string }[]>;
    languageModelTools?: { name: string; inputSchema: unknown }[];
  };
}

/** Whether this VS Code is at least `major.minor`. */
function atLeast(major: number, minor: number): boolean {
  const [a, b] = vscode.version.split('.').map(Number);
  return a > major || (a === major && b >= minor);
}

/** The text parts of a tool result. */
function resultText(result: vscode.LanguageModelToolResult): string {
  return result.content.map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : '')).join('\n');
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

  let activation: ActivationSample | undefined;
  await check('a contributed command activates it', async () => {
    // Reported, never asserted: the activation time of SPEC §10 (module load + activate()).
    activation = await measureActivation(ext);
    if (!ext.exports || typeof ext.exports.workflowTree !== 'function') throw new Error('activate returned no API');
    const a = activation;
    return (
      `archflow.refresh activated the extension: the bundle's first line ran ${a.firstLine} ms after the command, ` +
      `its last line at ${a.lastLine} ms, activate() was called at ${a.activateStarted} ms and returned at ` +
      `${a.activated} ms, the command at ${a.commandDone} ms; Archflow's own code (modules and activate()) took ${a.own} ms`
    );
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

  await check('the agent-mode tools are registered and answer', async () => {
    if (!api) throw new Error('no API');
    const declared = manifest.contributes?.languageModelTools ?? [];
    const names = declared.map((t) => t.name);
    const { tools } = api.doors();
    if (!isDeepStrictEqual(tools, names))
      throw new Error(`registered ${tools.join(', ')}; declared ${names.join(', ')}`);
    // The workbench tells the extension host about tools asynchronously after they register.
    // VS Code 1.100 (code-server) lists no tool at all there, its own or an extension's; a VS Code
    // that lists tools must list Archflow's, with the schemas of the manifest.
    const listed = await waitFor(
      'the tools in vscode.lm.tools',
      async () => {
        const found = vscode.lm.tools.filter((t) => t.name.startsWith('archflow_'));
        return found.length === names.length ? found : undefined;
      },
      5_000,
    ).catch(() => vscode.lm.tools.filter((t) => t.name.startsWith('archflow_')));
    if (vscode.lm.tools.length > 0 || listed.length > 0) {
      for (const t of declared) {
        const info = listed.find((l) => l.name === t.name);
        if (!info) throw new Error(`${t.name} is not in vscode.lm.tools (${vscode.lm.tools.length} tools listed)`);
        if (!isDeepStrictEqual(info.inputSchema, t.inputSchema)) throw new Error(`${t.name}: another input schema`);
      }
    }
    const listing = listed.length ? `${listed.length} tools in vscode.lm.tools` : 'vscode.lm.tools lists no tool here';
    const none = new vscode.CancellationTokenSource().token;
    const report = resultText(
      await vscode.lm.invokeTool('archflow_check_exit_criteria', { input: {}, toolInvocationToken: undefined }, none),
    );
    if (!/: 4 of 5 met\./.test(report) || !/✖ Stakeholder approval obtained: not met/.test(report)) {
      throw new Error(`criteria report: ${report.slice(0, 300)}`);
    }
    const refused = await vscode.lm
      .invokeTool('archflow_get_c4_model', { input: { view: '../../PRD.md' }, toolInvocationToken: undefined }, none)
      .then(
        () => 'answered',
        (err: unknown) => (err instanceof Error ? err.message : String(err)),
      );
    if (!/outside the output folder/.test(refused)) throw new Error(`a path outside the output folder: ${refused}`);
    return `${tools.length} tools registered (${listing}); invokeTool answered "4 of 5 met" and refused ../../PRD.md`;
  });

  await check('the status bar shows the unmet criteria', async () => {
    if (!api) throw new Error('no API');
    const status = await waitFor('the status bar to show the criteria', async () => {
      const s = await api.statusBar();
      return s.kind === 'unmet' ? s : undefined;
    });
    if (status.text !== '$(warning) Archflow: 1 criterion unmet') throw new Error(`text "${status.text}"`);
    if (!status.tooltip.includes('Not met: Stakeholder approval obtained.'))
      throw new Error(`tooltip "${status.tooltip}"`);
    return `"${status.text}"; ${status.tooltip.split('\n').join(' / ')}`;
  });

  await check('MCP server definitions are registered where VS Code supports them', async () => {
    if (!api) throw new Error('no API');
    const { mcp } = api.doors();
    const want = atLeast(1, 101) ? 'registered' : 'unsupported';
    if (mcp !== want) throw new Error(`VS Code ${vscode.version}: ${mcp}, expected ${want}`);
    return `VS Code ${vscode.version}: ${mcp}, and activation went on`;
  });

  if (probes && apiSurface()['lm.registerLanguageModelChatProvider']) await runChatChecks(check, probes);
  return { ...report(checks, probes), ...(activation ? { activation } : {}) };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/**
 * Activates Archflow (inactive until now) with archflow.refresh and puts Archflow's own marks
 * (src/vscode/extension.ts, the same performance.now() clock) beside the moment the command was sent.
 */
export async function measureActivation(ext: vscode.Extension<ArchflowTestApi>): Promise<ActivationSample> {
  if (ext.isActive) throw new Error('Archflow was already active: nothing to measure');
  const sent = performance.now();
  await vscode.commands.executeCommand('archflow.refresh');
  const commandDone = performance.now();
  if (!ext.isActive) throw new Error('still inactive after archflow.refresh');
  const marks = ext.exports?.activationMarks;
  if (!marks) throw new Error('activate returned no activationMarks');
  return {
    firstLine: round(marks.loadStarted - sent),
    lastLine: round(marks.loadEnded - sent),
    activateStarted: round(marks.activateStarted - sent),
    activated: round(marks.activateEnded - sent),
    commandDone: round(commandDone - sent),
    loadAndActivate: round(marks.activateEnded - marks.loadStarted),
    own: round(marks.loadEnded - marks.loadStarted + (marks.activateEnded - marks.activateStarted)),
    load1: round(os.loadavg()[0]),
  };
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
  if (result.activation) await appendActivation(file, result.activation);
  return result;
}

/** Adds one activation to the samples next to the report. */
export async function appendActivation(reportFile: string, sample: ActivationSample): Promise<void> {
  await fs.appendFile(activationsFile(reportFile), `${JSON.stringify(sample)}\n`);
}

/** In a restarted host: only the activation, measured as the first time. */
export async function measureActivationTo(reportFile: string): Promise<void> {
  const ext = vscode.extensions.getExtension<ArchflowTestApi>(ARCHFLOW_ID);
  if (!ext) throw new Error(`${ARCHFLOW_ID} not found`);
  await appendActivation(reportFile, await measureActivation(ext));
}
