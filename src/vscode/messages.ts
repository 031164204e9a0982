/**
 * How the extension words what the core reports: the core's cause, then the remedy in VS Code
 * terms (commands, settings). Pure (no vscode import), so plain Node tests read it.
 */
import type { ResolveResult } from '../core/engine';
import type { CriterionResult } from '../core/exitCriteria';
import type { Approval } from '../core/state';
import { LAYOUT } from '../core/steps';
import { type Remedies, explain, reasonsWithAction } from '../core/problems';

/** The remedy for each kind of problem, as a VS Code user acts on it. */
const REMEDIES: Remedies = {
  'llm:auth': 'Set a valid key with "Archflow: Set API Key" or the ANTHROPIC_API_KEY environment variable.',
  'llm:permission': "Check the key's workspace permissions or choose another model in archflow.model.",
  'llm:not-found': 'Check the archflow.model setting and archflow.anthropic.baseUrl.',
  'llm:rate-limit': 'Wait a minute or lower archflow.concurrency, then run again.',
  'llm:network': 'Check your network, proxy or the archflow.anthropic.baseUrl setting, then run the step again.',
  'llm:max-tokens': 'Raise archflow.maxTokens and run the step again.',
  'llm:too-large': 'Shorten the PRD or split it into smaller documents, then run the step again.',
  'step:malformed': 'If it keeps failing, check a prompt override in .archflow/prompts/.',
  'step:oversized': 'Run the step again; if it keeps happening, check a prompt override for that step.',
  'fs:file-in-the-way': 'Set archflow.outputFolder to a folder path (it is created when missing).',
  'fs:read-only': 'Or set archflow.outputFolder to a folder on a writable disk.',
  'state:invalid-json':
    'Undo the edit to it, or run "Archflow: Reset Run" to start the run state afresh (documents are kept).',
};

/** What a criterion's action is called in VS Code. */
const ACTIONS = {
  'record-approval': '(command "Archflow: Record Stakeholder Approval")',
};

/** An error as the extension shows it. */
export function vscodeErrorText(err: unknown): string {
  return explain(err, REMEDIES);
}

/** A criterion's reasons as the Workflow view and the preview show them. */
export function vscodeCriterionReasons(criterion: CriterionResult): string[] {
  return reasonsWithAction(criterion, ACTIONS);
}

/** The modal's Continue button: the run goes on and voids the approval. (Cancel is the modal's own.) */
export const APPROVAL_VOID_CONTINUE = 'Continue';

/** The modal asked before a run would change an approved ARCHITECTURE.md: what is voided, by what, how to re-approve. */
export function approvalVoidQuestion(approval: Approval, reason: string): { message: string; detail: string } {
  return {
    message: `This run voids the approval of ${LAYOUT.architecture} by ${approval.name} (${approval.role}) of ${approval.date.slice(0, 10)} if it changes the document.`,
    detail:
      `${reason[0]!.toUpperCase()}${reason.slice(1)} reassembles ${LAYOUT.architecture}, and an approval counts only for the content that was approved. ` +
      'Continue runs; if the document changes, the approval is voided (archflow.json keeps it in the history; record the approval again afterwards with "Archflow: Record Stakeholder Approval"). ' +
      'Cancel does not start the run and keeps the approval.',
  };
}

/** Said when the run did not start because the approval was kept. */
export function approvalKeptText(approval?: Approval): string {
  return `Archflow: the run did not start; the approval of ${LAYOUT.architecture}${approval ? ` by ${approval.name} (${approval.role})` : ''} is kept.`;
}

/** What "Resolve Security Findings" did, in words: the verdict, its rounds, what is resolved and open, the tokens. */
export function resolvedText(r: ResolveResult): { verdict: string; resolved: string; open: string; tokens: string } {
  const list = (ids: string[]): string => (ids.length === 0 ? 'none' : ids.join(', '));
  const rounds = `${r.rounds.length} round${r.rounds.length === 1 ? '' : 's'}`;
  return {
    verdict:
      r.verdict === 'pass'
        ? `the security review passes after ${rounds}`
        : `the security review still fails after ${rounds}`,
    resolved: list(r.resolved),
    open: list(r.open),
    tokens: r.usageUnknown
      ? "tokens unknown (VS Code's language models do not report them)"
      : `${r.usage.inputTokens.toLocaleString('en-US')} input and ${r.usage.outputTokens.toLocaleString('en-US')} output tokens`,
  };
}
