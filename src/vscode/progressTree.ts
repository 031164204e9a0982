/**
 * The "Workflow" tree: a projection of the host session (the steps of the shown output folder with
 * what running engines reported, and its exit criteria). It reads no file and keeps no state.
 */
import * as path from 'node:path';
import * as vscode from 'vscode';
import { CRITERION_STATE_TEXT, type CriterionResult, type ExitReport, criterionState } from '../core/exitCriteria';
import type { StepStatus, StepView } from '../core/events';
import type { UsageTotals } from '../core/llm/types';
import { PRICES_DATE, formatUsd } from '../core/pricing';
import { designCost, designCostText, stepCost } from '../core/spend';
import { type StepId, stepById, stepTitle } from '../core/steps';
import { vscodeCriterionReasons } from './messages';
import type { HostSession } from './session/session';

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
  if (usage.unknown && usage.input === 0 && usage.output === 0) {
    return 'Tokens: unknown (the model provider does not report usage)';
  }
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

function stepTooltip(step: StepView, all: readonly StepView[]): vscode.MarkdownString {
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
  const usd = stepCost(step);
  if (usd !== undefined) md.appendMarkdown(`Cost: ${formatUsd(usd)} at list price (prices of ${PRICES_DATE})\n\n`);
  const total = designCost(all);
  if (total) md.appendMarkdown(`The design's last runs: ${designCostText(total)}\n\n`);
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
  const state = criterionState(c);
  const words = CRITERION_STATE_TEXT[state];
  // The approval's voiding is said where the criterion is shown, not only in the tooltip.
  const voided = c.id === 'approval' && !c.met ? c.reasons.find((r) => r.includes('approval voided by')) : undefined;
  item.description = c.met ? words : voided ? `${words}: ${voidingPhrase(voided)}` : `${words} (${c.reasons.length})`;
  item.iconPath =
    state === 'met'
      ? new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed'))
      : state === 'not-yet'
        ? new vscode.ThemeIcon('history', new vscode.ThemeColor('testing.iconQueued'))
        : new vscode.ThemeIcon('circle-large-outline', new vscode.ThemeColor('testing.iconFailed'));
  const md = new vscode.MarkdownString(undefined, false);
  md.isTrusted = false;
  md.appendMarkdown(`**${c.title}**: ${words}\n\n`);
  for (const r of vscodeCriterionReasons(c).slice(0, 12)) md.appendText(`• ${r}\n`);
  if (c.reasons.length > 12) md.appendText(`… and ${c.reasons.length - 12} more (see the preview)\n`);
  const evidence = c.evidence ?? [];
  if (c.met && evidence.length > 0) {
    md.appendMarkdown('\n**Evidence**\n\n');
    for (const e of evidence.slice(0, 12)) md.appendText(`• ${e}\n`);
    if (evidence.length > 12) md.appendText(`… and ${evidence.length - 12} more (see the preview)\n`);
  }
  item.tooltip = md;
  // `criterion.unmet.security` carries the inline Resolve Security Findings.
  item.contextValue = `criterion.${c.met ? 'met' : 'unmet'}.${c.id}`;
  item.accessibilityInformation = {
    label: `${c.title}: ${c.met ? words : `${words}, ${c.reasons.length} reasons`}`,
  };
  item.command = { command: 'archflow.openPreview', title: 'Open Preview' };
  return item;
}

/** The tree: a projection of the host session; getChildren reads only what the session holds. */
export class ProgressTree implements vscode.TreeDataProvider<WorkflowNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<WorkflowNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly treeView: vscode.TreeView<WorkflowNode>;
  private readonly disposables: vscode.Disposable[];

  /** `view` shows this tree: the entry (extension.ts) creates it at activation and forwards to this. */
  constructor(
    private readonly session: HostSession,
    view: (tree: ProgressTree) => vscode.TreeView<WorkflowNode>,
  ) {
    this.treeView = view(this);
    this.disposables = [
      this.treeView,
      this.changed,
      session.onDidChange(() => {
        this.updateDescription();
        this.changed.fire(undefined);
      }),
    ];
  }

  private updateDescription(): void {
    const output = this.session.output();
    const multiRoot = (vscode.workspace.workspaceFolders?.length ?? 0) > 1;
    this.treeView.description = output
      ? multiRoot
        ? `${output.folder.name}/${output.relative}`
        : output.relative
      : undefined;
  }

  getChildren(node?: WorkflowNode): WorkflowNode[] {
    const { session } = this;
    if (!node) {
      // Empty when there is no run, so the welcome view shows.
      if (!session.hasRun()) return [];
      const steps: WorkflowNode[] = session.steps().map((step) => ({ kind: 'step', step }));
      // The criteria are of a run: not of a folder without archflow.json (a first run's first step).
      const snapshot = session.snapshot();
      const report = snapshot && !snapshot.view.empty ? snapshot.report : undefined;
      return report ? [...steps, { kind: 'criteria', report }] : steps;
    }
    if (node.kind === 'criteria') return node.report.criteria.map((criterion) => ({ kind: 'criterion', criterion }));
    const output = session.output();
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
    // A step written in parts says how far they are ("architect-review · 5/14 ADRs").
    item.description = step.status === 'running' && step.progress ? `${def.agent} · ${step.progress}` : def.agent;
    item.iconPath = statusIcon(step.status);
    item.contextValue = CONTEXT_VALUE[step.status];
    item.tooltip = stepTooltip(step, this.session.steps());
    item.accessibilityInformation = { label: `${stepTitle(step.id)}, ${def.agent}, ${STATUS_TEXT[step.status]}` };
    if (step.status === 'running' || step.files.length > 0) {
      item.command = { command: 'archflow.openOutput', title: 'Open Output', arguments: [node] };
    }
    return item;
  }

  dispose(): void {
    this.disposables.forEach((d) => d.dispose());
  }
}

/** "approval voided by <what> on <date>" out of the criterion's reason. */
function voidingPhrase(reason: string): string {
  const i = reason.indexOf('approval voided by');
  const text = reason.slice(i);
  return text.replace(/\s*\(command .*$/, '');
}
