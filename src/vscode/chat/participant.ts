/**
 * `@architect` in VS Code's Chat: /design, /step N, /status, /check, /resolve and /approve on the
 * active or a referenced PRD. Runs go through the extension's Runner (the same engine, files, tree and
 * preview; the provider of `archflow.provider` or the Anthropic key, VS Code's models when there is
 * no key); progress streams as lines, the files written as a file tree, with buttons to the
 * preview and the documents, and follow-ups for what is unmet. Every chat API call that may be
 * newer than engines.vscode is checked at run time.
 */
import * as vscode from 'vscode';
import { ApprovalError, recordApproval } from '../../core/approval';
import type { ResolveResult, RunSummary } from '../../core/engine';
import type { EngineEvent } from '../../core/events';
import { criteriaTool } from '../../core/tools/criteria';
import { callTool } from '../../core/tools/index';
import { statusTool } from '../../core/tools/status';
import { LAYOUT, STEP_IDS, type StepId, parseStepId, stepById, stepTitle, stepWithBlock } from '../../core/steps';
import { describeUsage, type UsageTotals } from '../../core/llm/types';
import { type OutputFolder, outputFolderOf, readResolveRounds } from '../config';
import { type ExtensionLog, errorMessage } from '../log';
import { resolvedText } from '../messages';
import type { Runner } from '../runner';
import type { HostSession } from '../session/session';
import type { ToolHost } from '../tools/host';

export interface ParticipantDeps {
  runner: Runner;
  session: HostSession;
  tools: ToolHost;
  log: ExtensionLog;
}

/** What a response leaves for its follow-ups. */
interface Meta {
  command: string;
  unmet: { id: string; title: string }[];
  failed: StepId[];
}

/** Text from files or model answers, shown as Markdown text that renders as it reads (no links, no HTML). */
export function mdText(text: string): string {
  return text.replace(/[\\`*_{}[\]()<>#+!|~]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');
}

/** A chat response stream with the parts a VS Code may lack. */
type Stream = vscode.ChatResponseStream & Partial<Pick<vscode.ChatResponseStream, 'filetree' | 'button' | 'progress'>>;

/** What `@architect` does with a request and a result; the participant itself is the entry's (extension.ts). */
export interface ChatHandler {
  handle(
    request: vscode.ChatRequest,
    context: vscode.ChatContext,
    stream: vscode.ChatResponseStream,
    token: vscode.CancellationToken,
  ): Promise<vscode.ChatResult>;
  followups(result: vscode.ChatResult): vscode.ChatFollowup[];
}

export function chatHandler(deps: ParticipantDeps): ChatHandler {
  return {
    handle: (request, _ctx, stream, token) => handle(deps, request, stream as Stream, token),
    followups: (result) => followups(result.metadata as Meta | undefined),
  };
}

const HELP = [
  '**@architect** runs Archflow on your PRD:',
  '',
  '- `/design` — run every step that is missing or stale (on the open PRD, or one you reference with `#file`)',
  '- `/step N` — run one step (1-8)',
  '- `/status` — the status of the eight steps',
  '- `/check` — the five exit criteria and what is unmet',
  '- `/resolve [rounds]` — revise the steps the open critical and high security findings name, then review again',
  '- `/approve Name, Role` — record a stakeholder approval of ARCHITECTURE.md as it is now',
].join('\n');

async function handle(
  deps: ParticipantDeps,
  request: vscode.ChatRequest,
  stream: Stream,
  token: vscode.CancellationToken,
): Promise<vscode.ChatResult> {
  const controller = new AbortController();
  const onCancel = token.onCancellationRequested(() => controller.abort());
  const command = request.command ?? '';
  try {
    switch (command) {
      case 'design':
        return await runIn(deps, request, stream, controller.signal, 'all');
      case 'step': {
        const step = parseStepId(request.prompt.trim().split(/\s+/)[0] ?? '');
        if (step === undefined) {
          stream.markdown(
            `Which step? Write \`/step N\` with N from ${STEP_IDS[0]} to ${STEP_IDS[STEP_IDS.length - 1]}.`,
          );
          return { metadata: meta(command) };
        }
        return await runIn(deps, request, stream, controller.signal, [step]);
      }
      case 'status':
        return await status(deps, stream, controller.signal);
      case 'check':
        return await check(deps, stream, controller.signal, command);
      case 'resolve':
        return await resolve(deps, request, stream, controller.signal);
      case 'approve':
        return await approve(deps, request, stream, controller.signal);
      default:
        stream.markdown(HELP);
        return { metadata: meta(command) };
    }
  } catch (err) {
    deps.log.warn(`@architect /${command}: ${errorMessage(err)}`);
    return { errorDetails: { message: errorMessage(err) }, metadata: meta(command) };
  } finally {
    onCancel.dispose();
  }
}

function meta(command: string, unmet: Meta['unmet'] = [], failed: StepId[] = []): Meta {
  return { command, unmet, failed };
}

/** The PRD: a referenced Markdown file (#file), else the active Markdown editor, else the run's PRD. */
function prdOf(request: vscode.ChatRequest, session: HostSession): vscode.Uri | undefined {
  for (const ref of request.references ?? []) {
    const value = ref.value;
    const uri = value instanceof vscode.Uri ? value : value instanceof vscode.Location ? value.uri : undefined;
    if (uri && uri.scheme === 'file' && /\.(md|markdown)$/i.test(uri.path)) return uri;
  }
  const active = vscode.window.activeTextEditor?.document;
  if (active?.languageId === 'markdown' && active.uri.scheme === 'file' && !isInOutput(active.uri)) return active.uri;
  return session.prdUri();
}

/** Whether a file is one of Archflow's own documents (not a PRD). */
function isInOutput(uri: vscode.Uri): boolean {
  const folder = vscode.workspace.getWorkspaceFolder(uri);
  if (!folder) return false;
  const out = outputFolderOf(folder).uri.path;
  return uri.path === out || uri.path.startsWith(`${out}/`);
}

/** The PRD of a request and its output folder; says what to do (and returns undefined) when there is none. */
function targetOf(
  deps: ParticipantDeps,
  request: vscode.ChatRequest,
  stream: Stream,
  command: string,
): { prd: vscode.Uri; output: OutputFolder } | undefined {
  const prd = prdOf(request, deps.session);
  const folder = prd && vscode.workspace.getWorkspaceFolder(prd);
  if (!prd || !folder) {
    stream.markdown(
      `Open your PRD (a Markdown file in the workspace) in the editor, or reference it: \`@architect /${command} #file:PRD.md\`.`,
    );
    return undefined;
  }
  return { prd, output: outputFolderOf(folder) };
}

/** What the progress lines of a run saw: the files written, the last step's usage. */
interface Progress {
  written: Set<string>;
  usage?: UsageTotals;
  onEvent: (e: EngineEvent) => void;
}

/** A line per step started, done, retried or failed (and the step as the chat's progress). */
function progressLines(stream: Stream, extra?: (e: EngineEvent) => void): Progress {
  const p: Progress = {
    written: new Set<string>(),
    onEvent: (e) => {
      extra?.(e);
      if (e.type === 'step-started') {
        if (stream.progress) stream.progress(`${stepTitle(e.step)} (${stepById(e.step).agent})…`);
        stream.markdown(`- ${mdText(stepTitle(e.step))} started\n`);
      } else if (e.type === 'step-done') {
        p.usage = e.usage;
        stream.markdown(
          `- ✔ ${mdText(stepTitle(e.step))} — ${e.files.length} file(s), tokens ${describeUsage(e.usage)}\n`,
        );
      } else if (e.type === 'step-failed') {
        stream.markdown(`- ✖ ${mdText(stepTitle(e.step))}: ${mdText(e.message)}\n`);
      } else if (e.type === 'step-retry') {
        stream.markdown(`- ↻ ${mdText(stepTitle(e.step))}: retrying (${mdText(e.reason)})\n`);
      } else if (e.type === 'file-written') {
        p.written.add(e.file);
      }
    },
  };
  return p;
}

/**
 * The end of a run's answer: its result as one run of Markdown, then the files written as a file
 * tree and the buttons. VS Code 1.139 folds a finished answer under "Completed N steps in T s" up
 * to the start of its last run of Markdown (the answer's last Markdown part and the Markdown parts
 * right before it); what comes after that run stays shown. So the result starts after a progress
 * part (which ends the run of progress lines) and the tree and buttons come after all of its
 * Markdown. VS Code 1.100 folds nothing and shows the same parts in the same order.
 */
function showResult(
  stream: Stream,
  result: { lines: string[]; written: Set<string>; output: OutputFolder; buttons: vscode.Command[] },
): void {
  const { written, output } = result;
  const files = written.size === 0 ? '' : '\n\nFiles written:\n';
  stream.markdown(`\n${result.lines.join('\n\n')}${files}`);
  if (written.size > 0) {
    if (typeof stream.filetree === 'function') stream.filetree(fileTree([...written]), output.uri);
    else
      stream.markdown(
        [...written]
          .sort()
          .map((f) => `- \`${mdText(f)}\`\n`)
          .join(''),
      );
  }
  if (typeof stream.button === 'function') for (const b of result.buttons) stream.button(b);
}

/** Ends the progress lines of a run with a progress part of its own (see showResult). */
function checkingCriteria(stream: Stream): void {
  stream.progress?.('Checking the exit criteria…');
}

const USAGE_UNKNOWN = "Token usage: unknown (VS Code's language models do not report it).";

async function runIn(
  deps: ParticipantDeps,
  request: vscode.ChatRequest,
  stream: Stream,
  signal: AbortSignal,
  steps: StepId[] | 'all',
): Promise<vscode.ChatResult> {
  const command = request.command ?? '';
  const target = targetOf(deps, request, stream, command);
  if (!target) return { metadata: meta(command) };
  const { prd, output } = target;
  const title = steps === 'all' ? 'Design Architecture' : stepTitle(steps[0] as StepId);
  stream.markdown(
    `**${mdText(title)}** on \`${mdText(vscode.workspace.asRelativePath(prd))}\` → \`${mdText(output.relative)}\`\n\n`,
  );
  const progress = progressLines(stream);
  const { written } = progress;
  const outcome = await deps.runner.run(prd, {
    title,
    steps,
    withPrerequisites: false,
    interactive: false,
    signal,
    onEvent: progress.onEvent,
  });
  if (!outcome) {
    stream.markdown('\nThe run did not start.');
    return { metadata: meta(command) };
  }
  const { summary, failures } = outcome;
  checkingCriteria(stream);
  const criteria = await criteriaReport(deps, signal);
  const lines = [summaryLine(summary)];
  const whole = failures.find((f) => f.step === undefined);
  if (whole) lines.push(mdText(whole.message));
  if (progress.usage?.unknown) lines.push(USAGE_UNKNOWN);
  lines.push(criteria.markdown);
  const buttons: vscode.Command[] = [{ command: 'archflow.openPreview', title: 'Open Preview' }];
  const documents = [LAYOUT.architecture, ...(steps === 'all' ? [] : [stepById(steps[0] as StepId).document])];
  for (const doc of documents.filter((d) => written.has(d))) {
    buttons.push({ command: 'vscode.open', arguments: [vscode.Uri.joinPath(output.uri, doc)], title: `Open ${doc}` });
  }
  showResult(stream, { lines, written, output, buttons });
  return {
    metadata: meta(
      command,
      criteria.unmet,
      summary.failed.map((f) => f.step),
    ),
  };
}

function summaryLine(summary: RunSummary): string {
  if (summary.cancelled) return 'Cancelled. Finished steps are kept; run again to continue where it stopped.';
  const parts = [`${summary.done.length} step(s) done`];
  if (summary.failed.length > 0)
    parts.push(`${summary.failed.length} failed (${summary.failed.map((f) => f.step).join(', ')})`);
  if (summary.skipped.length > 0) parts.push(`not run: ${summary.skipped.join(', ')}`);
  if (summary.done.length === 0 && summary.failed.length === 0 && summary.skipped.length === 0) {
    return 'Every step is done and up to date.';
  }
  return `${parts.join('; ')}.`;
}

/** `["a/b.md", "c.md"]` as a chat file tree. */
export function fileTree(files: string[]): vscode.ChatResponseFileTree[] {
  const root: vscode.ChatResponseFileTree[] = [];
  for (const file of [...files].sort()) {
    let level = root;
    const parts = file.split('/');
    parts.forEach((name, i) => {
      let node = level.find((n) => n.name === name);
      if (!node) {
        node = i < parts.length - 1 ? { name, children: [] } : { name };
        level.push(node);
      }
      if (i < parts.length - 1) {
        node.children ??= [];
        level = node.children;
      }
    });
  }
  return root;
}

interface CriterionData {
  id: string;
  title: string;
  met: boolean;
  reasons: string[];
}

/** The exit criteria as Markdown lines, and the unmet ones. */
async function criteriaReport(
  deps: ParticipantDeps,
  signal: AbortSignal,
): Promise<{ markdown: string; unmet: Meta['unmet'] }> {
  const result = await callTool(criteriaTool, {}, deps.tools.context(signal));
  const criteria = (result.data.criteria as CriterionData[] | undefined) ?? [];
  if (result.isError || criteria.length === 0) return { markdown: mdText(result.text), unmet: [] };
  const met = criteria.filter((c) => c.met).length;
  const lines = [`**Exit criteria: ${met} of ${criteria.length} met**`, ''];
  for (const c of criteria) {
    lines.push(`- ${c.met ? '✔' : '✖'} ${mdText(c.title)}${c.met ? '' : ' — not met'}`);
    if (!c.met) for (const r of c.reasons.slice(0, 5)) lines.push(`  - ${mdText(r)}`);
  }
  return {
    markdown: lines.join('\n'),
    unmet: criteria.filter((c) => !c.met).map((c) => ({ id: c.id, title: c.title })),
  };
}

/** The exit criteria streamed as lines; returns the unmet ones. */
async function criteriaLines(deps: ParticipantDeps, stream: Stream, signal: AbortSignal): Promise<Meta['unmet']> {
  const { markdown, unmet } = await criteriaReport(deps, signal);
  stream.markdown(`\n${markdown}\n`);
  return unmet;
}

async function check(
  deps: ParticipantDeps,
  stream: Stream,
  signal: AbortSignal,
  command: string,
): Promise<vscode.ChatResult> {
  const unmet = await criteriaLines(deps, stream, signal);
  if (typeof stream.button === 'function') stream.button({ command: 'archflow.openPreview', title: 'Open Preview' });
  return { metadata: meta(command, unmet) };
}

async function status(deps: ParticipantDeps, stream: Stream, signal: AbortSignal): Promise<vscode.ChatResult> {
  const result = await callTool(statusTool, {}, deps.tools.context(signal));
  const steps = (result.data.steps as { id: StepId; status: string; reason?: string; usage?: UsageTotals }[]) ?? [];
  if (result.data.empty === true) {
    stream.markdown(`${mdText(result.text)}\n\nStart with \`/design\` on your PRD.`);
    return { metadata: meta('status') };
  }
  stream.markdown('**Steps**\n\n');
  for (const s of steps) {
    const tokens = s.usage ? ` (tokens ${describeUsage(s.usage)})` : '';
    const reason = s.reason ? ` — ${mdText(s.reason)}` : '';
    stream.markdown(`- ${mdText(stepTitle(s.id))}: **${mdText(s.status)}**${tokens}${reason}\n`);
  }
  const failed = steps.filter((s) => s.status === 'failed' || s.status === 'stale').map((s) => s.id);
  return { metadata: meta('status', [], failed) };
}

async function approve(
  deps: ParticipantDeps,
  request: vscode.ChatRequest,
  stream: Stream,
  signal: AbortSignal,
): Promise<vscode.ChatResult> {
  const output = deps.session.output();
  if (!output) {
    stream.markdown('Open the workspace folder that contains your PRD first.');
    return { metadata: meta('approve') };
  }
  const [name, role, ...rest] = request.prompt.split(',').map((s) => s.trim());
  if (!name || !role) {
    stream.markdown(
      `Write \`/approve Name, Role\` (and optionally \`, comment\`) to record that this person approves ${LAYOUT.architecture} as it is now, or use the command.`,
    );
    if (typeof stream.button === 'function') {
      stream.button({ command: 'archflow.recordApproval', title: 'Record Stakeholder Approval…' });
    }
    return { metadata: meta('approve') };
  }
  try {
    const approval = await recordApproval(output.dir, { name, role, comment: rest.join(', ') || undefined });
    deps.session.requestRefresh(0);
    deps.log.info(`Stakeholder approval recorded in ${output.dir} by ${approval.name} (${approval.role}) from Chat.`);
    stream.markdown(
      `Approval by ${mdText(approval.name)} (${mdText(approval.role)}) recorded for the current ${LAYOUT.architecture}. Any later change to the document voids it.\n`,
    );
  } catch (err) {
    if (!(err instanceof ApprovalError)) throw err;
    stream.markdown(mdText(err.message));
    return { metadata: meta('approve') };
  }
  const unmet = await criteriaLines(deps, stream, signal);
  return { metadata: meta('approve', unmet) };
}

/**
 * `/resolve [rounds]`: the engine's resolve loop (Resolve Security Findings) — a line per round
 * and per step as they run; at the end the verdict, what was resolved, what is still open and the
 * tokens. Each revision is reviewed as a diff, as from the command; nothing is approved.
 */
async function resolve(
  deps: ParticipantDeps,
  request: vscode.ChatRequest,
  stream: Stream,
  signal: AbortSignal,
): Promise<vscode.ChatResult> {
  const command = 'resolve';
  const target = targetOf(deps, request, stream, command);
  if (!target) return { metadata: meta(command) };
  const { prd, output } = target;
  const asked = /^\s*(\d+)\b/.exec(request.prompt)?.[1];
  const rounds = asked ? Math.max(1, Math.min(10, Number(asked))) : readResolveRounds(output.folder);
  stream.markdown(
    `**Resolve Security Findings** on \`${mdText(vscode.workspace.asRelativePath(prd))}\` → \`${mdText(output.relative)}\` (at most ${rounds} round${rounds === 1 ? '' : 's'}; you review each revision as a diff)\n\n`,
  );
  let round = 0;
  // Each round of the loop is one run of the engine: its start names the steps it revises.
  const progress = progressLines(stream, (e) => {
    if (e.type !== 'run-started') return;
    round++;
    if (stream.progress)
      stream.progress(`Round ${round}: revising step${e.steps.length === 1 ? '' : 's'} ${e.steps.join(', ')}…`);
    stream.markdown(`\n**Round ${round}** — revising step${e.steps.length === 1 ? '' : 's'} ${e.steps.join(', ')}\n\n`);
  });
  const outcome = await deps.runner.run(prd, {
    title: 'Resolve Security Findings',
    steps: 'all',
    resolve: { rounds },
    interactive: false,
    signal,
    onEvent: progress.onEvent,
  });
  if (!outcome) {
    stream.markdown('\nThe run did not start.');
    return { metadata: meta(command) };
  }
  const { summary, failures, resolved } = outcome;
  checkingCriteria(stream);
  const criteria = await criteriaReport(deps, signal);
  const lines: string[] = [];
  if (summary.cancelled) lines.push(summaryLine(summary));
  for (const f of failures) lines.push(`✖ ${f.step ? `${mdText(stepTitle(f.step))}: ` : ''}${mdText(f.message)}`);
  if (resolved) lines.push(resolvedLine(resolved));
  lines.push(criteria.markdown);
  const findings = stepWithBlock('findings').document;
  showResult(stream, {
    lines,
    written: progress.written,
    output,
    buttons: [
      { command: 'vscode.open', arguments: [vscode.Uri.joinPath(output.uri, findings)], title: `Open ${findings}` },
      { command: 'archflow.openPreview', title: 'Open Preview' },
    ],
  });
  return {
    metadata: meta(
      command,
      criteria.unmet,
      failures.flatMap((f) => (f.step === undefined ? [] : [f.step])),
    ),
  };
}

/** The end of a resolve loop in one line. */
export function resolvedLine(r: ResolveResult): string {
  if (r.rounds.length === 0 && r.resolved.length === 0 && r.open.length === 0) {
    return `**No open critical or high finding**: there is nothing to resolve (verdict: ${r.verdict}).`;
  }
  const t = resolvedText(r);
  return `**${t.verdict.charAt(0).toUpperCase()}${t.verdict.slice(1)}.** Resolved: ${mdText(t.resolved)}. Still open: ${mdText(t.open)}. Used ${t.tokens}.`;
}

/** What to ask next: what is unmet, or the failed steps again. */
function followups(m: Meta | undefined): vscode.ChatFollowup[] {
  if (!m) return [];
  const out: vscode.ChatFollowup[] = [];
  for (const step of m.failed.slice(0, 2)) {
    out.push({ prompt: String(step), command: 'step', label: `Run ${stepTitle(step)} again` });
  }
  for (const c of m.unmet) {
    if (c.id === 'approval') {
      out.push({ prompt: '', command: 'approve', label: 'Record a stakeholder approval' });
    } else if (c.id === 'security') {
      out.push({
        prompt: '',
        command: 'resolve',
        label:
          m.command === 'resolve'
            ? `Unmet: ${c.title} — resolve again`
            : `Unmet: ${c.title} — resolve the open findings`,
      });
    } else {
      out.push({ prompt: '', command: 'check', label: `Unmet: ${c.title} — see why` });
    }
  }
  if (m.command !== 'check' && m.command !== 'status' && out.length === 0) {
    out.push({ prompt: '', command: 'check', label: 'Check the exit criteria' });
  }
  return out;
}
