/**
 * What the status bar item says: the run's state and how many exit criteria are unmet, from what
 * the host session knows (no I/O). Pure (no `vscode`), so its wording is unit tested.
 */
import type { StepView } from '../core/events';
import type { ExitReport } from '../core/exitCriteria';
import { designCost, designCostText } from '../core/spend';
import { type StepId, stepTitle } from '../core/steps';

export interface StatusFacts {
  /** The output folder shown, relative to its workspace folder; undefined when no folder is open. */
  output?: string;
  trusted: boolean;
  steps: readonly StepView[];
  /** Steps of the shown folder's run that are running now, in the order they started. */
  running: readonly StepId[];
  planned: number;
  finished: number;
  /** The exit criteria as last read; undefined until the first read. */
  report?: ExitReport;
  /** Why the last read failed. */
  problem?: string;
  hasRun: boolean;
}

export type StatusKind = 'hidden' | 'running' | 'problem' | 'empty' | 'unmet' | 'met';

export interface StatusText {
  kind: StatusKind;
  text: string;
  tooltip: string;
}

const CLICK = 'Click to open the Workflow view.';

function stepsLine(steps: readonly StepView[]): string {
  const done = steps.filter((s) => s.status === 'done').length;
  const stale = steps.filter((s) => s.status === 'stale').length;
  const failed = steps.filter((s) => s.status === 'failed').length;
  const parts = [`${done} of ${steps.length} steps done`];
  if (stale) parts.push(`${stale} stale`);
  if (failed) parts.push(`${failed} failed`);
  return `${parts.join(', ')}.`;
}

/** What the steps' last runs cost, when any is known. */
function spentLine(steps: readonly StepView[]): string[] {
  const cost = designCost(steps);
  return cost ? [`Spent: ${designCostText(cost)}.`] : [];
}

/** The item's text and tooltip for the session's current facts. */
export function statusText(facts: StatusFacts): StatusText {
  if (facts.output === undefined) return { kind: 'hidden', text: '', tooltip: '' };
  const restricted = facts.trusted ? [] : ['Restricted Mode: Archflow shows this design but does not run or write.'];
  const where = facts.output;
  if (facts.running.length > 0) {
    const which = facts.running.length === 1 ? `Step ${facts.running[0]}` : `Steps ${facts.running.join(', ')}`;
    const count = facts.planned > 0 ? ` (${facts.finished}/${facts.planned})` : '';
    return {
      kind: 'running',
      text: `$(sync~spin) Archflow: ${which}${count}`,
      tooltip: [`Archflow is running in ${where}: ${facts.running.map((s) => stepTitle(s)).join(', ')}.`, CLICK].join(
        '\n',
      ),
    };
  }
  if (facts.problem) {
    return {
      kind: 'problem',
      text: '$(error) Archflow',
      tooltip: [`Archflow cannot read the design in ${where}: ${facts.problem}`, ...restricted, CLICK].join('\n'),
    };
  }
  if (!facts.hasRun || !facts.report) {
    return {
      kind: 'empty',
      text: '$(layers) Archflow',
      tooltip: [`No architecture design in ${where} yet.`, ...restricted, `${CLICK.slice(0, -1)} and design one.`].join(
        '\n',
      ),
    };
  }
  const unmet = facts.report.criteria.filter((c) => !c.met);
  const total = facts.report.criteria.length;
  const lines = [
    `Exit criteria in ${where}: ${total - unmet.length} of ${total} met.`,
    ...(unmet.length ? [`Not met: ${unmet.map((c) => c.title).join('; ')}.`] : []),
    stepsLine(facts.steps),
    ...spentLine(facts.steps),
    ...restricted,
    CLICK,
  ];
  return unmet.length === 0
    ? { kind: 'met', text: '$(pass) Archflow: all criteria met', tooltip: lines.join('\n') }
    : {
        kind: 'unmet',
        text: `$(warning) Archflow: ${unmet.length} ${unmet.length === 1 ? 'criterion' : 'criteria'} unmet`,
        tooltip: lines.join('\n'),
      };
}
