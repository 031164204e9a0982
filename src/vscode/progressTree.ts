/**
 * The "Workflow" tree: a projection of the engine's WorkflowView (read from disk) plus what the
 * running engine reports by events. getChildren only reads the cached projection.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Bundle } from '../core/bundle';
import { readWorkflowView } from '../core/engine';
import type { CriterionResult, ExitReport } from '../core/exitCriteria';
import { readSnapshot } from '../core/snapshot';
import type { EngineEvent, StepStatus, StepView, WorkflowView } from '../core/events';
import type { UsageTotals } from '../core/llm/types';
import { STEPS, type StepId, stepById, stepTitle } from '../core/steps';
import { type OutputFolder, affectsOutputFolder, outputFolderOf } from './config';
import { setContextKey } from './contextKeys';
import { type ExtensionLog, errorMessage } from './log';
import { vscodeCriterionReasons } from './messages';

export const PROGRESS_VIEW_ID = 'archflow.progress';

/** A step row. */
export interface StepNode {
  kind: 'step';
  step: StepView;
}

/** An output file of a step. */
export interface FileNode {
  kind: 'file';
  step: StepId;
  /** Relative to the output folder. */
  file: string;
  uri: vscode.Uri;
}

/** The "Exit Criteria" group and its five criteria. */
export interface CriteriaNode {
  kind: 'criteria';
  report: ExitReport;
}
export interface CriterionNode {
  kind: 'criterion';
  criterion: CriterionResult;
}

export type WorkflowNode = StepNode | FileNode | CriteriaNode | CriterionNode;

/** A node that stands for a step or one of its files (what the step commands accept). */
export type StepTreeNode = StepNode | FileNode;

/** Whether a command argument is a step or file node of this tree (menus pass the node). */
export function isWorkflowNode(value: unknown): value is StepTreeNode {
  if (!value || typeof value !== 'object') return false;
  const kind = (value as { kind?: unknown }).kind;
  return (kind === 'step' && 'step' in value) || (kind === 'file' && 'uri' in value);
}

/** What the tree currently shows. */
export interface TreeTarget {
  output: OutputFolder;
  view?: WorkflowView;
  /** The design as read from disk at the last refresh, and the exit criteria computed from it. */
  bundle?: Bundle;
  report?: ExitReport;
}

const CONTEXT_VALUE: Record<StepStatus, string> = {
  'not-started': 'step.notStarted',
  running: 'step.running',
  done: 'step.done',
  stale: 'step.stale',
  failed: 'step.failed',
};

/** A status in words. */
export const STATUS_TEXT: Record<StepStatus, string> = {
  'not-started': 'not started',
  running: 'running',
  done: 'done',
  stale: 'stale',
  failed: 'failed',
};

/** The icon of a status, in the tree and in the step quick pick. */
export function statusIcon(status: StepStatus): vscode.ThemeIcon {
  switch (status) {
    case 'not-started':
      return new vscode.ThemeIcon('circle-large-outline');
    case 'running':
      return new vscode.ThemeIcon('sync~spin');
    case 'done':
      return new vscode.ThemeIcon('pass-filled', new vscode.ThemeColor('testing.iconPassed'));
    case 'stale':
      return new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground'));
    case 'failed':
      return new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed'));
  }
}

/** "1m 23s", "850 ms". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}

function usageTable(usage: UsageTotals): string {
  const n = (x: number): string => x.toLocaleString('en-US');
  return [
    '| Tokens | |',
    '|---|---:|',
    `| Input | ${n(usage.input)} |`,
    `| Output | ${n(usage.output)} |`,
    `| Cache read | ${n(usage.cacheRead)} |`,
    `| Cache write | ${n(usage.cacheWrite)} |`,
  ].join('\n');
}

function stepTooltip(step: StepView): vscode.MarkdownString {
  const def = stepById(step.id);
  // Reason and model come from archflow.json, which a repository may carry: append them as text.
  const md = new vscode.MarkdownString();
  md.isTrusted = false;
  md.appendMarkdown(`**${stepTitle(step.id)}** — ${def.agent}\n\n`);
  md.appendMarkdown(`Status: **${STATUS_TEXT[step.status]}**\n\n`);
  if (step.reason) {
    md.appendText(step.reason);
    md.appendMarkdown('\n\n');
  }
  if (step.model) {
    md.appendMarkdown('Model: ');
    md.appendText(step.model);
    md.appendMarkdown('\n\n');
  }
  if (step.usage) md.appendMarkdown(`${usageTable(step.usage)}\n\n`);
  if (step.durationMs !== undefined) md.appendMarkdown(`Duration: ${formatDuration(step.durationMs)}\n\n`);
  if (step.finishedAt) {
    md.appendMarkdown('Finished: ');
    md.appendText(new Date(step.finishedAt).toLocaleString());
  }
  return md;
}

function criteriaItem(report: ExitReport): vscode.TreeItem {
  const met = report.criteria.filter((c) => c.met).length;
  const item = new vscode.TreeItem('Exit Criteria', vscode.TreeItemCollapsibleState.Expanded);
  item.id = 'criteria';
  item.description = `${met} of ${report.criteria.length} met`;
  item.iconPath = new vscode.ThemeIcon(report.allMet ? 'pass-filled' : 'checklist');
  item.contextValue = 'criteria';
  item.tooltip = 'Computed from the files on disk; open the preview for the details.';
  return item;
}

function criterionItem(c: CriterionResult): vscode.TreeItem {
  const item = new vscode.TreeItem(c.title, vscode.TreeItemCollapsibleState.None);
  item.id = `criterion:${c.id}`;
  item.description = c.met ? 'met' : `not met (${c.reasons.length})`;
  item.iconPath = c.met
    ? new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'))
    : new vscode.ThemeIcon('circle-large-outline', new vscode.ThemeColor('testing.iconFailed'));
  const md = new vscode.MarkdownString(undefined, false);
  md.isTrusted = false;
  md.appendMarkdown(`**${c.title}**: ${c.met ? 'met' : 'not met'}\n\n`);
  for (const r of vscodeCriterionReasons(c).slice(0, 12)) md.appendText(`• ${r}\n`);
  if (c.reasons.length > 12) md.appendText(`… and ${c.reasons.length - 12} more (see the preview)\n`);
  item.tooltip = md;
  item.contextValue = `criterion.${c.met ? 'met' : 'unmet'}`;
  item.accessibilityInformation = { label: `${c.title}: ${c.met ? 'met' : `not met, ${c.reasons.length} reasons`}` };
  item.command = { command: 'archflow.openPreview', title: 'Open Preview' };
  return item;
}

export class ProgressTree implements vscode.TreeDataProvider<WorkflowNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<WorkflowNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly treeView: vscode.TreeView<WorkflowNode>;
  private readonly disposables: vscode.Disposable[] = [];
  private outputWatch: vscode.Disposable[] = [];
  private prdWatch: vscode.Disposable[] = [];
  private watchedPrd?: string;
  private target?: TreeTarget;
  /** What events said since the last read from disk: running steps, and failures of this session. */
  private readonly live = new Map<StepId, Partial<StepView>>();
  private runActive = false;
  private refreshTimer?: NodeJS.Timeout;
  private refreshing: Promise<void> = Promise.resolve();

  constructor(private readonly log: ExtensionLog) {
    this.treeView = vscode.window.createTreeView(PROGRESS_VIEW_ID, { treeDataProvider: this });
    this.disposables.push(
      this.treeView,
      this.changed,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (affectsOutputFolder(e)) this.selectTarget();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.selectTarget()),
    );
  }

  /** Picks what to show at start-up; reads from disk in the background. */
  start(): void {
    this.selectTarget();
  }

  /** What the tree shows now (the output folder of the latest run, or of a folder with a run). */
  current(): TreeTarget | undefined {
    return this.target;
  }

  /** The PRD of the shown run, when archflow.json names one. */
  prdUri(): vscode.Uri | undefined {
    const prd = this.target?.view?.prdPath;
    if (!prd || !this.target) return undefined;
    return vscode.Uri.file(path.isAbsolute(prd) ? prd : path.join(this.target.output.folder.uri.fsPath, prd));
  }

  /** Shows `output` from now on (a run started there). */
  follow(output: OutputFolder): void {
    if (this.target?.output.uri.toString() !== output.uri.toString()) {
      this.target = { output };
      this.live.clear();
      this.watchOutput(output);
      this.updateDescription();
    }
    this.requestRefresh(0);
  }

  /** Marks the start and end of a run in the shown folder. */
  setRunActive(active: boolean): void {
    this.runActive = active;
    if (!active) {
      for (const [id, live] of this.live) if (live.status === 'running') this.live.delete(id);
      this.requestRefresh(0);
    }
    this.fire();
  }

  /** Forgets what events reported (after Reset Run). */
  clearLive(): void {
    this.live.clear();
    this.requestRefresh(0);
  }

  /** Applies an engine event of a run in the shown folder. */
  applyEvent(event: EngineEvent): void {
    switch (event.type) {
      case 'step-started':
        this.live.set(event.step, { status: 'running', reason: undefined });
        break;
      case 'step-done':
        this.live.set(event.step, { status: 'done', usage: event.usage, files: event.files, reason: undefined });
        this.requestRefresh();
        break;
      case 'step-failed':
        this.live.set(event.step, { status: 'failed', reason: event.message });
        this.requestRefresh();
        break;
      case 'file-written':
      case 'file-kept':
      case 'run-finished':
        this.requestRefresh();
        break;
      case 'run-started':
      case 'step-text':
      case 'step-retry':
      case 'step-repair':
        return;
    }
    this.fire();
  }

  /** Re-reads the view from disk soon; concurrent requests coalesce. Never rejects. */
  requestRefresh(delayMs = 250): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      void this.enqueue(() => this.refreshNow());
    }, delayMs);
  }

  /** Re-reads now; resolves when the tree shows the result. Never rejects. */
  async refresh(): Promise<void> {
    await this.enqueue(() => this.refreshNow());
  }

  /** Reads from disk one at a time, so an older read never overwrites a newer one. Never rejects. */
  private enqueue(work: () => Promise<void>): Promise<void> {
    this.refreshing = this.refreshing.then(work).catch((err: unknown) => {
      this.log.warn(`Workflow view refresh failed: ${errorMessage(err)}`);
    });
    return this.refreshing;
  }

  private async refreshNow(): Promise<void> {
    const target = this.target;
    if (!target) {
      this.fire();
      return;
    }
    try {
      const { view, bundle, report } = await readSnapshot(target.output.dir);
      if (this.target !== target) return;
      target.view = view;
      target.bundle = bundle;
      target.report = report;
      for (const [id, live] of this.live) {
        // Once disk agrees, it is the truth. Until then a finished or failed step keeps what its
        // event said (the state file may be written after the event, or not record failures).
        const disk = view.steps.find((s) => s.id === id);
        if (live.status !== 'running' && disk?.status === live.status) this.live.delete(id);
      }
      this.watchPrd(view.prdPath ? this.prdUri() : undefined);
    } catch (err) {
      this.log.warn(`Could not read the workflow state in ${target.output.dir}: ${errorMessage(err)}`);
    }
    this.fire();
  }

  private selectTarget(): void {
    void this.enqueue(() => this.selectTargetNow());
  }

  /** The first workspace folder with a run, else the folder of the active editor, else the first folder. */
  private async selectTargetNow(): Promise<void> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    const outputs: OutputFolder[] = [];
    for (const folder of folders) {
      try {
        outputs.push(outputFolderOf(folder));
      } catch (err) {
        this.log.warn(`${folder.name}: ${errorMessage(err)}`);
      }
    }
    let chosen: TreeTarget | undefined;
    // Keep following the current folder when it is still valid.
    const keep = outputs.find((o) => o.uri.toString() === this.target?.output.uri.toString());
    const candidates = keep ? [keep] : outputs;
    for (const output of candidates) {
      const view = await readWorkflowView(output.dir).catch(() => undefined);
      if (view && !view.empty) {
        chosen = { output, view };
        break;
      }
    }
    if (!chosen) {
      const active = vscode.window.activeTextEditor?.document.uri;
      const activeFolder = active && vscode.workspace.getWorkspaceFolder(active);
      const output = keep ?? outputs.find((o) => o.folder === activeFolder) ?? outputs[0];
      chosen = output ? { output } : undefined;
    }
    const changedFolder = chosen?.output.uri.toString() !== this.target?.output.uri.toString();
    this.target = chosen;
    if (changedFolder) {
      this.live.clear();
      if (chosen) this.watchOutput(chosen.output);
      else this.disposeWatchers();
    }
    this.updateDescription();
    await this.refreshNow();
  }

  private watch(pattern: vscode.RelativePattern): vscode.Disposable[] {
    const watcher = vscode.workspace.createFileSystemWatcher(pattern);
    const onChange = (): void => this.requestRefresh();
    return [watcher, watcher.onDidCreate(onChange), watcher.onDidChange(onChange), watcher.onDidDelete(onChange)];
  }

  private watchOutput(output: OutputFolder): void {
    this.disposeWatchers();
    this.outputWatch = this.watch(new vscode.RelativePattern(output.uri, '**/*'));
  }

  /** Editing the PRD makes steps stale, so the tree watches it too. */
  private watchPrd(prd: vscode.Uri | undefined): void {
    const key = prd?.toString();
    if (key === this.watchedPrd) return;
    this.watchedPrd = key;
    this.prdWatch.forEach((d) => d.dispose());
    this.prdWatch = prd
      ? this.watch(new vscode.RelativePattern(vscode.Uri.joinPath(prd, '..'), path.basename(prd.fsPath)))
      : [];
  }

  private disposeWatchers(): void {
    [...this.outputWatch, ...this.prdWatch].forEach((d) => d.dispose());
    this.outputWatch = [];
    this.prdWatch = [];
    this.watchedPrd = undefined;
  }

  private updateDescription(): void {
    const output = this.target?.output;
    const multiRoot = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
    this.treeView.description = output
      ? multiRoot
        ? `${output.folder.name}/${output.relative}`
        : output.relative
      : undefined;
  }

  private hasRun(): boolean {
    return this.runActive || this.live.size > 0 || (this.target?.view !== undefined && !this.target.view.empty);
  }

  private fire(): void {
    setContextKey('archflow.hasRun', this.hasRun(), this.log);
    this.changed.fire(undefined);
  }

  /** Every step, with the live overlay applied. */
  steps(): StepView[] {
    const disk = new Map((this.target?.view?.steps ?? []).map((s) => [s.id, s]));
    return STEPS.map((def) => {
      const base: StepView = disk.get(def.id) ?? { id: def.id, status: 'not-started', files: [] };
      const live = this.live.get(def.id);
      return live ? { ...base, ...live, id: def.id, files: live.files ?? base.files } : base;
    });
  }

  getChildren(node?: WorkflowNode): WorkflowNode[] {
    if (!node) {
      // Empty when there is no run, so the welcome view shows.
      if (!this.hasRun()) return [];
      const steps: WorkflowNode[] = this.steps().map((step) => ({ kind: 'step', step }));
      const report = this.target?.report;
      return report ? [...steps, { kind: 'criteria', report }] : steps;
    }
    if (node.kind === 'criteria') return node.report.criteria.map((criterion) => ({ kind: 'criterion', criterion }));
    const output = this.target?.output;
    if (node.kind !== 'step' || !output) return [];
    return node.step.files.map((file) => ({
      kind: 'file',
      step: node.step.id,
      file,
      uri: vscode.Uri.joinPath(output.uri, ...file.split('/')),
    }));
  }

  getTreeItem(node: WorkflowNode): vscode.TreeItem {
    if (node.kind === 'criteria') return criteriaItem(node.report);
    if (node.kind === 'criterion') return criterionItem(node.criterion);
    if (node.kind === 'file') {
      const item = new vscode.TreeItem(node.uri, vscode.TreeItemCollapsibleState.None);
      item.id = `file:${node.step}:${node.file}`;
      item.label = path.posix.basename(node.file);
      const dir = path.posix.dirname(node.file);
      item.description = dir === '.' ? undefined : dir;
      item.tooltip = node.file;
      item.contextValue = 'file';
      item.command = { command: 'vscode.open', title: 'Open', arguments: [node.uri] };
      return item;
    }
    const { step } = node;
    const def = stepById(step.id);
    const item = new vscode.TreeItem(
      stepTitle(step.id),
      step.files.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
    );
    item.id = `step:${step.id}`;
    item.description = def.agent;
    item.iconPath = statusIcon(step.status);
    item.contextValue = CONTEXT_VALUE[step.status];
    item.tooltip = stepTooltip(step);
    item.accessibilityInformation = { label: `${stepTitle(step.id)}, ${def.agent}, ${STATUS_TEXT[step.status]}` };
    if (step.status === 'running' || step.files.length > 0) {
      item.command = { command: 'archflow.openOutput', title: 'Open Output', arguments: [node] };
    }
    return item;
  }

  dispose(): void {
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.disposeWatchers();
    this.disposables.forEach((d) => d.dispose());
  }
}
