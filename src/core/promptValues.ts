/**
 * What a prompt may name through `{{placeholders}}`, computed from the step table: the documents'
 * real file names, a step's inputs, its id range. Prompts never spell these out, so they cannot
 * drift from the files code writes and reads.
 */
import { adrNumberText } from './adr/slug';
import { REGISTER_PREFIX } from './register';
import { LAYOUT, STEPS, type StepDef, findingSteps, stepById, stepTitle } from './steps';

/** "`a`", "`a` and `b`", "`a`, `b` and `c`". */
function codeList(items: readonly string[]): string {
  const quoted = items.map((i) => `\`${i}\``);
  if (quoted.length <= 1) return quoted.join('');
  return `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1]}`;
}

/** The table of the design's documents: every step's file, who writes it, what needs it. */
export function documentsTable(): string {
  const rows = STEPS.map(
    (s) =>
      `| ${s.id} | \`${s.document}\` | ${s.name} | ${s.agent} | ${s.needs.length ? s.needs.join(', ') : 'the PRD'} |`,
  );
  return [
    '| Step | Document | Step name | Written by | Reads the documents of steps |',
    '| --- | --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}

/** What the step receives besides the PRD, as prose names it: its upstream documents and the C4 model. */
export function inputsText(step: StepDef): string {
  const files = step.needs.map((n) => stepById(n).document);
  if (step.reads.c4Model) files.push(LAYOUT.c4Model);
  return files.length ? codeList(files) : 'the PRD alone';
}

/** "`A-301` … `A-399`, `R-301` … `R-399` and `Q-301` … `Q-399`": the ids a step may define. */
export function idRangeText(step: StepDef): string {
  if (!step.ids) return 'none (this step defines no assumptions, risks or questions)';
  const { from, to } = step.ids;
  const kinds = [REGISTER_PREFIX.assumption, REGISTER_PREFIX.risk, REGISTER_PREFIX.question];
  const ranges = kinds.map((p) => `\`${p}-${from}\` … \`${p}-${to}\``);
  return `${ranges.slice(0, -1).join(', ')} and ${ranges[ranges.length - 1]}`;
}

/** The placeholder values of a step's prompts. */
export function promptValues(
  step: StepDef,
  prdName: string,
  existingDecisions: readonly { key: string; number: number; title: string }[],
): Record<string, string> {
  const decisions = existingDecisions
    .map((d) => `- \`${d.key}\` — ADR ${adrNumberText(d.number)}: ${d.title}`)
    .join('\n');
  const values: Record<string, string> = {
    step: String(step.id),
    stepTitle: stepTitle(step.id),
    prdName,
    sections: step.sections.map((s) => `- \`## ${s}\``).join('\n'),
    existingDecisions: decisions || `(none yet: this is the first run of step ${step.id})`,
    documents: documentsTable(),
    inputs: inputsText(step),
    idRange: idRangeText(step),
    // The step's first ids, so the schemas' examples show numbers from the step's own range.
    firstAssumption: `${REGISTER_PREFIX.assumption}-${step.ids?.from ?? 1}`,
    firstRisk: `${REGISTER_PREFIX.risk}-${step.ids?.from ?? 1}`,
    firstQuestion: `${REGISTER_PREFIX.question}-${step.ids?.from ?? 1}`,
    findingSteps: findingSteps()
      .map((s) => `${s.id} (\`${s.document}\`)`)
      .join(', '),
    c4Model: LAYOUT.c4Model,
    c4Deployment: LAYOUT.c4Deployment,
    architecture: LAYOUT.architecture,
    adrDir: LAYOUT.adrDir,
  };
  // `{{doc3}}` is the document of step 3, whatever the table calls it.
  for (const s of STEPS) values[`doc${s.id}`] = s.document;
  return values;
}
