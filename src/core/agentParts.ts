/**
 * The decision step in parts (docs/adr/0014-parallel-calls-inside-steps.md): one short call
 * settles the decision list; then the executive summary and every ADR are written by calls of their
 * own, at most `concurrency` at once, all sharing the step's cached request; code assembles their
 * answers into the answer a single call gives, checked as that one is. Stateless like agentStep.ts:
 * nothing is written here, so a part that cannot be produced leaves nothing half-written.
 */
import {
  type AgentStepDeps,
  type AgentStepRequest,
  type AgentStepResult,
  type CallTally,
  callChecked,
  stepContext,
  stepRequest,
} from './agentStep';
import {
  type AdrPart,
  type DecisionEntry,
  assembleAdrAnswer,
  decisionListText,
  groupDecisions,
  parseAdrGroup,
  parseDecisionList,
  partHeading,
  partLabel,
  partRequest,
} from './adr/parts';
import type { LlmRequest } from './llm/types';
import type { AdrDraft } from './model';
import { unwrapDocument, withoutControlChars } from './answerText';
import { countArrayItems } from './liveText';
import { partInstructions, runPartsTogether } from './partRunner';
import { StepError } from './stepError';
import { parseStepOutput } from './stepOutput';
import type { StepInputs } from './stepInputs';
import { type StepDef, stepTitle } from './steps';

/** Calls of a step in parts that run at once, unless the settings say otherwise. */
export { DEFAULT_PART_CONCURRENCY } from './config';

/** The prompt file of each part's instruction. */
const PART_PROMPTS: Record<AdrPart['kind'], string> = {
  decisions: 'parts/decisions.md',
  summary: 'parts/summary.md',
  adrs: 'parts/adrs.md',
};

/** What a part answers again in its repair round. */
const AGAIN: Record<AdrPart['kind'], string> = {
  decisions: 'Answer again with the corrected `archflow-decisions` block, and nothing else.',
  summary:
    'Answer again with the complete corrected document (all sections), without the `archflow-adrs` block, and nothing else.',
  adrs: 'Answer again with one `archflow-adrs` block holding only the ADRs named above, corrected, and nothing else.',
};

/** The error the summary check drops: the summary has no ADR block, code adds it. */
const NO_ADR_BLOCK = 'The `archflow-adrs` block is missing.';

/** "5/14 ADRs", what the hosts show while the parts run. */
export function partsProgressText(done: number, total: number): string {
  return `${done}/${total} ADR${total === 1 ? '' : 's'}`;
}

/**
 * Runs the decision step in parts. Throws like runAgentStep: an LlmError when a part's call fails
 * (after the client's retries of that call alone), a `malformed` StepError when a part's repaired
 * answer fails; the other parts still running are stopped then.
 */
export async function runAdrParts(
  def: StepDef,
  inputs: StepInputs,
  request: AgentStepRequest,
  deps: AgentStepDeps,
  tally: CallTally,
  concurrency: number,
): Promise<AgentStepResult> {
  const step = await stepRequest(def, inputs, request, deps.prompts);
  const ctx = stepContext(inputs);
  const instruction = partInstructions<AdrPart>(
    def,
    request.prd.name,
    inputs,
    deps.prompts,
    (part) => PART_PROMPTS[part.kind],
    partHeading,
  );
  const existingKeys = (inputs.existingDecisions ?? []).map((d) => d.key);
  const progress = (text: string): void => deps.emit({ type: 'step-progress', step: def.id, text });

  progress('listing the decisions');
  const listRequest = partRequest(step, await instruction({ kind: 'decisions' }));
  const list = await callChecked(
    def,
    listRequest,
    (t) => {
      const r = parseDecisionList(t, existingKeys);
      return { parsed: r.decisions, errors: r.errors };
    },
    deps,
    tally,
    { stream: false, label: partLabel({ kind: 'decisions' }), again: AGAIN.decisions },
  );
  const decisions = list.result.parsed;
  const listText = decisionListText(decisions);

  let summary: string | undefined;
  const adrs = new Map<string, AdrDraft>();
  const models = new Set<string>([list.model]);
  progress(partsProgressText(0, decisions.length));

  const summaryPart = async (partDeps: AgentStepDeps): Promise<void> => {
    const req = partRequest(step, await instruction({ kind: 'summary' }, { decisionList: listText }));
    const { result, model } = await callChecked(
      def,
      req,
      (answer) => {
        // As the whole answer is read: a fence around the document and text before its H1 go.
        const clean = unwrapDocument(withoutControlChars(answer)).text;
        const h1 = /^#\s+\S.*$/m.exec(clean);
        const t = h1 ? clean.slice(h1.index) : clean;
        const r = parseStepOutput(def.id, t, ctx);
        const errors = r.errors.filter((e) => e !== NO_ADR_BLOCK);
        if (/^ {0,3}(`{3,}|~{3,})[ \t]*archflow-adrs/m.test(t))
          errors.push('Write no `archflow-adrs` block: the ADRs are written by other requests, and code adds them.');
        return { parsed: errors.length === 0 ? t : undefined, errors };
      },
      partDeps,
      tally,
      { label: partLabel({ kind: 'summary' }), again: AGAIN.summary },
    );
    summary = result.parsed;
    models.add(model);
  };
  // The ADRs in groups, one call each, beside the summary: each call pays the time to its first
  // token and reads the shared prefix once, so fewer, longer calls are faster and cheaper than one
  // call an ADR while every slot is busy (docs/adr/0014).
  const groups = groupDecisions(decisions, Math.max(1, concurrency - 1));
  const streamed = new Map<number, number>();
  const report = (): void => {
    const n = Math.min(decisions.length, adrs.size + [...streamed.values()].reduce((a, b) => a + b, 0));
    progress(partsProgressText(n, decisions.length));
  };
  const groupPart = async (group: DecisionEntry[], index: number, partDeps: AgentStepDeps): Promise<void> => {
    const part: AdrPart = { kind: 'adrs', keys: group.map((d) => d.key) };
    const assignedList = decisionListText(group);
    const req: LlmRequest = partRequest(
      step,
      await instruction(part, { assigned: partLabel(part), assignedList, decisionList: listText }),
    );
    // The valid ADRs of the first answer are kept: a repair need resend only the others.
    const valid = new Map<string, AdrDraft>();
    let shown = -1;
    const { model } = await callChecked(
      def,
      req,
      (t) => {
        const wanted = group.filter((d) => !valid.has(d.key));
        const r = parseAdrGroup(t, wanted);
        for (const [k, a] of r.adrs) valid.set(k, a);
        return { parsed: valid.size === group.length ? valid : undefined, errors: r.errors };
      },
      partDeps,
      tally,
      {
        stream: false,
        label: partLabel(part),
        again: AGAIN.adrs,
        // ADRs whose object has closed in the stream so far count as written.
        onText: (soFar) => {
          const started = countArrayItems(soFar).get('adrs') ?? 0;
          const closed = Math.max(0, Math.min(group.length, started - 1));
          if (closed !== shown) {
            shown = closed;
            streamed.set(index, closed);
            report();
          }
        },
      },
    );
    streamed.delete(index);
    for (const d of group) adrs.set(d.key, valid.get(d.key)!);
    models.add(model);
    report();
  };

  // The summary first: it is the longest part, so it starts at once.
  const tasks = new Map<string, (d: AgentStepDeps) => Promise<void>>([
    ['summary', summaryPart],
    ...groups.map((g, i): [string, (d: AgentStepDeps) => Promise<void>] => [`adrs:${i}`, (d) => groupPart(g, i, d)]),
  ]);
  await runPartsTogether(tasks, concurrency, deps);
  if (summary === undefined || adrs.size !== decisions.length)
    throw new StepError(
      def.id,
      'malformed',
      `${stepTitle(def.id)}: a part of the step was not produced. Run the step again.`,
      {},
    );

  const text = assembleAdrAnswer(
    summary,
    decisions.map((d) => adrs.get(d.key)!),
  );
  const whole = parseStepOutput(def.id, text, ctx);
  if (!whole.parsed) {
    throw new StepError(
      def.id,
      'malformed',
      `The parts of ${stepTitle(def.id)} did not assemble into a valid answer: ${whole.errors.slice(0, 8).join(' ')} Run the step again.`,
      { errors: whole.errors },
    );
  }
  // The live output streamed the summary; it ends, as a single call's does, with the records.
  deps.emit({ type: 'step-text', step: def.id, text: text.slice(summary.trimEnd().length) });
  for (const w of whole.parsed.warnings) deps.log.warn(`${stepTitle(def.id)}: ${w}`);
  deps.log.info(
    `${stepTitle(def.id)}: written in ${groups.length + 2} parts (the decision list, the summary and ${decisions.length} ADRs in ${groups.length} call${groups.length === 1 ? '' : 's'}), at most ${concurrency} at once.`,
  );
  return { parsed: whole.parsed, model: [...models].join(', ') };
}
