/**
 * A step written in section groups (docs/adr/0017-steps-written-in-section-groups.md): one short
 * call settles the outline (per section, its points and the ids it introduces), then each group of
 * sections the step table names is written by a call of its own, at most `concurrency` at once, all
 * sharing the step's cached request and told the outline; code joins their texts, in section order,
 * into the answer a single call gives, and checks it whole. Stateless like agentStep.ts: nothing is
 * written here, so a part that cannot be produced leaves nothing half-written.
 */
import {
  type AgentStepDeps,
  type AgentStepRequest,
  type AgentStepResult,
  type CallTally,
  call,
  callChecked,
  stepContext,
  stepRequest,
} from './agentStep';
import { partRequest } from './adr/parts';
import type { LlmRequest } from './llm/types';
import { repairTurnText } from './prompts';
import { partInstructions, runPartsTogether } from './partRunner';
import {
  type SectionPart,
  assembleSections,
  groupBlocks,
  outlineText,
  parseOutline,
  parseSectionGroup,
  sectionPartHeading,
  sectionPartLabel,
} from './sectionParts';
import { StepError } from './stepError';
import { BLOCK_INFO, type ParsedStep, type StepContext, parseStepOutput } from './stepOutput';
import type { StepInputs } from './stepInputs';
import { type StepDef, stepTitle } from './steps';

/** The prompt file of each part's instruction. */
const PART_PROMPTS: Record<SectionPart['kind'], string> = {
  outline: 'parts/outline.md',
  sections: 'parts/sections.md',
};

/** What a part answers again in its repair round. */
const AGAIN: Record<SectionPart['kind'], string> = {
  outline: 'Answer again with the corrected `archflow-outline` block, and nothing else.',
  sections: 'Answer again with the sections named above, complete and corrected, and nothing else.',
};

/** "4/7 sections", what the hosts show while the groups run. */
export function sectionsProgressText(done: number, total: number): string {
  return `${done}/${total} section${total === 1 ? '' : 's'}`;
}

/** H2 headings in a streamed text so far (outside fences is not checked: a count for the progress only). */
const countHeadings = (text: string): number => (text.match(/^## \S/gm) ?? []).length;

/**
 * Runs a step in section groups. Throws like runAgentStep: an LlmError when a part's call fails
 * (after the client's retries of that call alone), a `malformed` StepError when a part's repaired
 * answer fails, or the assembled answer fails even after its repair round; the other parts still
 * running are stopped then.
 */
export async function runSectionParts(
  def: StepDef,
  inputs: StepInputs,
  request: AgentStepRequest,
  deps: AgentStepDeps,
  tally: CallTally,
  concurrency: number,
): Promise<AgentStepResult> {
  const groups = def.sectionGroups ?? [def.sections];
  const step = await stepRequest(def, inputs, request, deps.prompts);
  const ctx = stepContext(inputs);
  const instruction = partInstructions<SectionPart>(
    def,
    request.prd.name,
    inputs,
    deps.prompts,
    (part) => PART_PROMPTS[part.kind],
    sectionPartHeading,
  );
  const progress = (text: string): void => deps.emit({ type: 'step-progress', step: def.id, text });

  progress('writing the outline');
  const outlinePart: SectionPart = { kind: 'outline' };
  const { result: outline, model: outlineModel } = await callChecked(
    def,
    partRequest(step, await instruction(outlinePart, { sectionList: sectionList(def.sections) })),
    (t) => {
      const r = parseOutline(t, def);
      return { parsed: r.outline, errors: r.errors };
    },
    deps,
    tally,
    { stream: false, label: sectionPartLabel(outlinePart), again: AGAIN.outline },
  );
  const outlineShown = outlineText(outline.parsed);
  const models = new Set<string>([outlineModel]);
  const texts: (string | undefined)[] = groups.map(() => undefined);
  const streamed = groups.map(() => 0);
  const total = def.sections.length;
  let shown = -1;
  const report = (): void => {
    const n = Math.min(
      total,
      groups.reduce((sum, g, i) => sum + (texts[i] !== undefined ? g.length : Math.max(0, streamed[i] - 1)), 0),
    );
    if (n === shown) return;
    shown = n;
    progress(sectionsProgressText(n, total));
  };
  report();

  const groupPart = async (index: number, partDeps: AgentStepDeps): Promise<void> => {
    const titles = groups[index];
    const part: SectionPart = { kind: 'sections', titles };
    const blocks = groupBlocks(def, titles);
    const others = def.blocks.filter((k) => !blocks.includes(k) && k !== 'adrs');
    const req: LlmRequest = partRequest(
      step,
      await instruction(part, {
        assigned: sectionList(titles),
        outline: outlineShown,
        first: index === 0 ? 'Start with the document\'s H1 title ("# …"), then these sections.' : 'Write no H1 title.',
        blocksHere: blocks.length
          ? `Write the ${codes(blocks.map((k) => BLOCK_INFO[k]))} block${blocks.length === 1 ? '' : 's'} in ${blocks.length === 1 ? 'its section' : 'their sections'}, as the task above describes.`
          : 'These sections hold no structured block.',
        blocksElsewhere: others.length
          ? `Write no ${codes(others.map((k) => BLOCK_INFO[k]))} block: other requests write ${others.length === 1 ? 'it' : 'them'}.`
          : '',
      }),
    );
    const { result, model } = await callChecked(
      def,
      req,
      (answer) => {
        const r = parseSectionGroup(answer, def, titles);
        return { parsed: r.text, errors: r.errors };
      },
      partDeps,
      tally,
      {
        // The first group is the document's beginning: the live output streams it.
        stream: index === 0,
        label: sectionPartLabel(part),
        again: AGAIN.sections,
        onText: (soFar) => {
          streamed[index] = countHeadings(soFar);
          report();
        },
      },
    );
    texts[index] = result.parsed;
    models.add(model);
    report();
  };
  await runPartsTogether(
    new Map(
      groups.map((_, i): [string, (d: AgentStepDeps) => Promise<void>] => [`sections:${i}`, (d) => groupPart(i, d)]),
    ),
    concurrency,
    deps,
  );
  if (texts.some((t) => t === undefined))
    throw new StepError(
      def.id,
      'malformed',
      `${stepTitle(def.id)}: a part of the step was not produced. Run the step again.`,
      {},
    );

  const text = assembleSections(texts as string[]);
  // The live output streamed the first group; it goes on, as a single call's does, with the rest.
  deps.emit({ type: 'step-text', step: def.id, text: text.slice(texts[0]!.trim().length) });
  const parsed = await checkWhole(def, step, text, ctx, deps, tally, models);
  for (const w of parsed.warnings) deps.log.warn(`${stepTitle(def.id)}: ${w}`);
  deps.log.info(
    `${stepTitle(def.id)}: written in ${groups.length + 1} parts (the outline and ${groups.length} groups of sections), at most ${concurrency} at once.`,
  );
  return { parsed, model: [...models].join(', ') };
}

/**
 * The assembled answer checked as a single call's is; when it fails (a contradiction between the
 * parts that only the whole shows), one repair round as the single call has: the step's request,
 * the assembled answer as the model's, and the errors; its answer is the whole document again.
 */
async function checkWhole(
  def: StepDef,
  step: LlmRequest,
  text: string,
  ctx: StepContext,
  deps: AgentStepDeps,
  tally: CallTally,
  models: Set<string>,
): Promise<ParsedStep> {
  const whole = parseStepOutput(def.id, text, ctx);
  if (whole.parsed) return whole.parsed;
  deps.log.warn(
    `${stepTitle(def.id)}: the parts did not assemble into a valid answer; asking for a repair: ${whole.errors.join(' | ')}`,
  );
  deps.emit({ type: 'step-repair', step: def.id, errors: whole.errors });
  const repair: LlmRequest = {
    ...step,
    turns: [
      ...step.turns,
      { role: 'assistant', content: [{ text }] },
      { role: 'user', content: [{ text: repairTurnText(whole.errors) }] },
    ],
  };
  const answer = await call(def, repair, deps, tally, false);
  models.add(answer.model);
  const again = parseStepOutput(def.id, answer.text, ctx);
  if (again.parsed) return again.parsed;
  throw new StepError(
    def.id,
    'malformed',
    `The parts of ${stepTitle(def.id)} did not assemble into a valid answer, even after one repair round: ${again.errors.slice(0, 8).join(' ')} Run the step again.`,
    { errors: again.errors },
  );
}

/** "`## Summary`, `## Data Model`": how an instruction names sections. */
function sectionList(titles: readonly string[]): string {
  return titles.map((t) => `\`## ${t}\``).join(', ');
}

/** "`a`", "`a` and `b`". */
function codes(items: readonly string[]): string {
  const q = items.map((i) => `\`${i}\``);
  return q.length <= 1 ? q.join('') : `${q.slice(0, -1).join(', ')} and ${q[q.length - 1]}`;
}
