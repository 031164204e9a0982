/** What a step reads, gathered as its row of the step table says, from the run's view of the folder. */
import { parseC4File } from './bundle';
import { hashText } from './hash';
import type { C4Model } from './model';
import type { ContextDocument } from './prompts';
import { parseRequirementsTable } from './requirements';
import type { RunFiles } from './runFiles';
import type { ArchflowState } from './state';
import { currentInputs } from './state';
import { LAYOUT, type StepDef, changesC4, stepById, stepTitle, stepWithBlock } from './steps';
import { StepError } from './stepError';

/** The PRD of a run: read and checked once, when the run starts. */
export interface RunPrd {
  /** The file name, as prompts and ARCHITECTURE.md name it. */
  name: string;
  text: string;
  hash: string;
}

/** Everything one step's agent is given, and the hashes its record keeps. */
export interface StepInputs {
  /** Upstream documents (and the step's previous document, and the C4 model file), in prompt order. */
  upstream: ContextDocument[];
  /** The decisions recorded so far, for a step that reads them. */
  existingDecisions?: { key: string; number: number; title: string }[];
  /** The C4 model before the step, for a step whose answer changes it (its block is merged into it). */
  c4?: C4Model;
  /** The inventory's requirement ids, for a step after it (to flag citations of unknown ids). */
  requirementIds: Set<string>;
  /** The hash of each input as the step saw it (staleness is measured against these). */
  inputs: Record<string, string>;
}

/** The line of `text` an error is about: the one it states, else the first holding the value it quotes. */
function lineOf(text: string, error: string): number | undefined {
  const stated = /at line (\d+)/.exec(error);
  if (stated) return Number(stated[1]);
  const quoted = /"([^"]{1,80})"/.exec(error);
  if (!quoted) return undefined;
  const i = text.split('\n').findIndex((l) => l.includes(JSON.stringify(quoted[1])));
  return i >= 0 ? i + 1 : undefined;
}

/**
 * A C4 model file the user edited (its content is not one Archflow wrote) that does not parse
 * stops the step before any call: which file, which line, what is wrong. A step never builds on a
 * model it cannot read, and nothing derived from it is deleted because of it.
 */
function checkHandEditedC4(def: StepDef, text: string, state: ArchflowState): void {
  const known = state.files[LAYOUT.c4Model]?.hashes ?? [];
  if (known.includes(hashText(text))) return;
  const { errors } = parseC4File(text);
  if (errors.length === 0) return;
  const where = errors.slice(0, 3).map((e) => {
    const line = lineOf(text, e);
    const what = e.replace(`${LAYOUT.c4Model}: `, '');
    return line !== undefined && !/at line \d+/.test(what) ? `line ${line}: ${what}` : what;
  });
  throw new StepError(
    def.id,
    'invalid-input',
    `${LAYOUT.c4Model} was edited and no longer parses (${where.join(' ')}${errors.length > 3 ? ` and ${errors.length - 3} more` : ''}). ${stepTitle(def.id)} builds on the C4 model, so it did not run and nothing was changed. Fix the file (or undo the edit), then run the step again.`,
    { file: LAYOUT.c4Model, errors },
  );
}

/** Gathers a step's inputs; throws a `prerequisites` StepError when an upstream document is missing. */
export async function gatherStepInputs(
  def: StepDef,
  files: RunFiles,
  prd: RunPrd,
  state: ArchflowState,
): Promise<StepInputs> {
  const upstream: ContextDocument[] = [];
  for (const n of def.needs) {
    const d = stepById(n);
    const text = await files.read(d.document);
    if (text === undefined) {
      throw new StepError(
        def.id,
        'prerequisites',
        `${stepTitle(def.id)} needs ${d.document}; run ${stepTitle(n)} first.`,
        {
          missing: [n],
        },
      );
    }
    upstream.push({ name: d.document, text, step: n });
  }
  if (def.reads.previous) {
    // A re-run keeps the ids that later documents and ADRs already cite.
    const previous = await files.read(def.document);
    if (previous !== undefined) upstream.push({ name: def.document, text: previous, step: def.id });
  }
  const c4Text = def.reads.c4Model || changesC4(def) ? await files.read(LAYOUT.c4Model) : undefined;
  if (c4Text !== undefined) checkHandEditedC4(def, c4Text, state);
  if (def.reads.c4Model && c4Text !== undefined) upstream.push({ name: LAYOUT.c4Model, text: c4Text });

  const inventory = stepWithBlock('requirements');
  const inventoryText = def.needs.includes(inventory.id) ? await files.read(inventory.document) : undefined;
  return {
    upstream,
    existingDecisions: def.reads.decisions
      ? state.adrs.map((a) => ({ key: a.key, number: a.number, title: a.title }))
      : undefined,
    c4: changesC4(def) && c4Text !== undefined ? parseC4File(c4Text).model : undefined,
    requirementIds: new Set(inventoryText ? parseRequirementsTable(inventoryText).map((r) => r.id) : []),
    inputs: await currentInputs(files, def.id, prd.hash),
  };
}
