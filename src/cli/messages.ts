/** How the CLI words what the core reports: the core's cause, then the remedy in command-line terms. */
import type { ResolveResult } from '../core/engine';
import type { EngineEvent } from '../core/events';
import type { CriterionResult } from '../core/exitCriteria';
import type { Approval } from '../core/state';
import { LAYOUT } from '../core/steps';
import { type Remedies, explain, reasonsWithAction } from '../core/problems';

/** The remedy for each kind of problem, as a command-line user acts on it. */
const REMEDIES: Remedies = {
  'llm:auth': 'Export a valid key as ANTHROPIC_API_KEY (in VS Code: "Archflow: Set API Key") and run again.',
  'llm:permission': "Check the key's workspace permissions or choose another model with --model.",
  'llm:not-found': 'Check --model and ANTHROPIC_BASE_URL.',
  'llm:rate-limit': 'Wait a minute or lower --concurrency, then run again.',
  'llm:network': 'Check your network, proxy or ANTHROPIC_BASE_URL, then run again.',
  'llm:max-tokens': 'Raise --max-tokens (archflow.maxTokens in VS Code) and run the step again.',
  'llm:too-large': 'Shorten the PRD or split it into smaller documents, then run the step again.',
  'step:malformed':
    'If it keeps failing, check a prompt override in the --prompts folder (default .archflow/prompts/).',
  'step:oversized': 'Run the step again; if it keeps happening, check a prompt override for that step.',
  'step:prerequisites': 'Or pass --with-prerequisites to run them too.',
  'fs:file-in-the-way': 'Give --out the path of a folder (it is created when missing).',
  'fs:read-only': 'Or pass --out with a folder on a writable disk.',
  'state:invalid-json':
    'Undo the edit to it, or run "Archflow: Reset Run" in VS Code to start the run state afresh (documents are kept).',
};

/** What a criterion's action is called on the command line. */
const ACTIONS = {
  'record-approval': '(command "Archflow: Record Stakeholder Approval", or `archflow approve`)',
};

/** An error as the CLI prints it. */
export function cliErrorText(err: unknown): string {
  return explain(err, REMEDIES);
}

/** A criterion's reasons as `archflow check` prints them. */
export function cliCriterionReasons(criterion: CriterionResult): string[] {
  return reasonsWithAction(criterion, ACTIONS);
}

/** What the CLI says when a file was left as it is. */
export function cliKeptText(e: Extract<EngineEvent, { type: 'file-kept' }>): string {
  if (e.reason === 'revision' && e.userEdited) {
    return e.besideFile
      ? `  kept your edit of ${e.file}; the proposed revision, built on your edit, is in ${e.besideFile} (review it, or run again with --yes to accept revisions)`
      : `  kept your edit of ${e.file}; the proposed revision was not written`;
  }
  if (e.reason === 'revision') {
    return e.besideFile
      ? `  ${e.file} left as it is; the proposed revision is in ${e.besideFile} (review it, or run again with --yes to accept revisions)`
      : `  ${e.file} left as it is; the proposed revision was not written`;
  }
  return `  kept your edit of ${e.file}${e.besideFile ? `; Archflow's version is in ${e.besideFile}` : ''}`;
}

/** The end of `archflow resolve`: rounds, what was resolved and what is open, what it cost. */
export function cliResolveText(r: ResolveResult, accepted: boolean): string[] {
  const lines = r.rounds.map(
    (x) =>
      `archflow: round ${x.round}: revised ${x.revised.map((s) => `step ${s}`).join(', ') || 'nothing'}; blocking findings ${x.findingsBefore.join(', ') || '-'} → ${x.findingsAfter.join(', ') || 'none'}`,
  );
  lines.push(
    `archflow: verdict ${r.verdict.toUpperCase()} after ${r.rounds.length} round(s); resolved ${r.resolved.join(', ') || 'none'}; open ${r.open.join(', ') || 'none'}; tokens in ${r.usage.inputTokens}, out ${r.usage.outputTokens}. Nothing was approved.`,
  );
  if (!accepted && r.verdict !== 'pass' && r.rounds.length > 0) {
    lines.push(
      'archflow: revisions were written beside the documents (*.archflow-proposed.md), not over them; review them, or run again with --yes to accept them.',
    );
  }
  return lines;
}

/** The warning line before a run voids an approval: the run goes on (the CLI asks nothing). */
export function cliApprovalVoidWarning(approval: Approval, reason: string): string {
  return `archflow: warning: ${reason} voids the approval of ${LAYOUT.architecture} by ${approval.name} (${approval.role}) of ${approval.date.slice(0, 10)} if it changes the document; run "archflow approve" again afterwards to re-approve.`;
}

/** After a run: what it voided (as every host words it: "approval voided by <what> on <date>"). */
export function cliApprovalVoidedLine(approval: Approval): string {
  const v = approval.voided;
  return `archflow: approval by ${approval.name} (${approval.role}) voided${v ? ` by ${v.by} on ${v.date.slice(0, 10)}` : ''}.`;
}

/** After a run that wrote missing derived files again. */
export function cliRegeneratedLine(files: readonly string[]): string {
  return `archflow: wrote the missing derived files again (no model call): ${files.join(', ')}`;
}

/** A derived file that `status` finds missing. */
export function cliMissingDerivedLine(file: string): string {
  return `missing     ${file} (derived: "archflow design" writes it again without calling the model)`;
}
