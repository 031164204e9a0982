/** Checks a step's model output and turns it into its document and structured parts. */
import { parseAdrJson } from './adr/parse';
import { escapeInline } from './adr/render';
import { unclosedFenceLine, unwrapDocument, withoutControlChars } from './answerText';
import { checkC4 } from './c4/consistency';
import { checkDeployment, parseDeploymentJson } from './c4/deployment';
import { CONTAINER_TABLE_HEADER, CONTEXT_TABLE_HEADER } from './c4/modelTables';
import { deploymentHeading, deploymentMermaid, deploymentTables, deploymentViews } from './c4/deploymentView';
import { mergeLevel1, mergeLevel23 } from './c4/merge';
import { componentView, componentViewIds, containerView, contextView, stripInitDirectives } from './c4/mermaid';
import { parseC4Json } from './c4/parse';
import { parseFindingsJson, renderFindings, renderVerdict } from './findings';
import { mentionedRequirementIds } from './mentions';
import { fencedBlocks, headingKey, renderTable, splitSections } from './markdown';
import type { AdrDraft, C4Model, Requirement, SecurityReview } from './model';
import { type Addition, inRange, parseAdditionsJson, registerDefinitions, renderAdditions } from './register';
import { parseRequirementsJson, renderRequirementsTable } from './requirements';
import { type BlockKind, type C4Level, type StepId, stepById } from './steps';

/** A step's output once it passed validation. */
export interface ParsedStep {
  step: StepId;
  title: string;
  /** The model's text from the H1 on. */
  text: string;
  requirements?: Requirement[];
  /** Steps with a C4 block: the whole C4 model after this step. */
  c4?: C4Model;
  review?: SecurityReview;
  adrs?: AdrDraft[];
  /** The assumptions, risks and open questions the step adds (its `additions` block). */
  additions?: Addition[];
  /** Non-blocking remarks (unknown requirement ids cited, …), logged and kept. */
  warnings: string[];
}

/** What a step's output is checked against. */
export interface StepContext {
  /** The C4 model as it stands before this step (read by the steps with a C4 block). */
  c4?: C4Model;
  /** Requirement ids of the inventory (steps after it), to flag unknown citations. */
  requirementIds?: Set<string>;
  /** The documents the step read (file → text), for references into them (a finding's evidence). */
  documents?: ReadonlyMap<string, string>;
}

/** The info string of each structured block's fence. */
export const BLOCK_INFO: Record<BlockKind, string> = {
  requirements: 'archflow-requirements',
  c4: 'archflow-c4',
  deployment: 'archflow-deployment',
  additions: 'archflow-additions',
  findings: 'archflow-findings',
  adrs: 'archflow-adrs',
};

/** The level-1 part of a model: people, systems and the relationships between them. */
export function level1Of(model: C4Model): C4Model {
  const ids = new Set([...model.people.map((p) => p.id), ...model.systems.map((s) => s.id)]);
  return {
    people: model.people,
    systems: model.systems,
    containers: [],
    components: [],
    relationships: model.relationships.filter((r) => ids.has(r.from) && ids.has(r.to)),
  };
}

/**
 * Validates a step's output: an H1, every required H2 section in order, each structured block
 * present once and valid. Returns the parsed parts, or the errors to send back in the repair round.
 */
export function parseStepOutput(
  stepId: StepId,
  output: string,
  ctx: StepContext = {},
): { parsed?: ParsedStep; errors: string[] } {
  const step = stepById(stepId);
  const errors: string[] = [];
  const warnings: string[] = [];
  const clean = unwrapDocument(withoutControlChars(output));
  if (clean.unwrapped)
    warnings.push('the document was wrapped in a code fence; the fence and the text around it were removed');
  output = clean.text;
  const h1 = /^#\s+\S.*$/m.exec(output);
  if (!h1) errors.push('The document has no H1 title line ("# <title>").');
  const text = h1 ? output.slice(h1.index).trim() + '\n' : output.trim() + '\n';
  const { title, sections } = splitSections(text);
  const lines = text.split('\n');
  const open = unclosedFenceLine(lines);
  if (open >= 0) {
    errors.push(
      `The code fence opened at line ${open + 1} of the document (\`${lines[open].trim().slice(0, 40)}\`) is never closed; close every fence, and do not put the document itself in a fence.`,
    );
  }

  const found = sections.map((s) => headingKey(s.title));
  let cursor = 0;
  for (const name of step.sections) {
    const at = found.indexOf(name.toLowerCase(), cursor);
    if (at < 0) {
      errors.push(
        found.includes(name.toLowerCase())
          ? `Section "## ${name}" is out of order; the order is: ${step.sections.join(', ')}.`
          : `Section "## ${name}" is missing.`,
      );
    } else {
      cursor = at + 1;
      if (sections[at].body.replace(/\s/g, '').length === 0) errors.push(`Section "## ${name}" is empty.`);
    }
  }

  const blocks = fencedBlocks(text);
  const parsed: ParsedStep = { step: stepId, title: title ?? step.name, text, warnings };
  for (const kind of step.blocks) {
    const info = BLOCK_INFO[kind];
    const mine = blocks.filter((b) => b.info.split(/\s+/).includes(info));
    if (mine.length === 0) {
      errors.push(`The \`${info}\` block is missing.`);
      continue;
    }
    if (mine.length > 1) errors.push(`There are ${mine.length} \`${info}\` blocks; write exactly one.`);
    const body = mine[0].body;
    switch (kind) {
      case 'requirements': {
        const r = parseRequirementsJson(body);
        errors.push(...r.errors);
        parsed.requirements = r.requirements;
        break;
      }
      case 'c4': {
        const r = parseC4Json(body);
        errors.push(...r.errors);
        if (r.errors.length > 0) break;
        const levels = step.c4Levels ?? [];
        if (levels.includes(1)) {
          parsed.c4 = mergeLevel1(ctx.c4 ?? emptyModel(), r.model);
        } else {
          const merged = mergeLevel23(level1Of(ctx.c4 ?? emptyModel()), r.model);
          errors.push(...merged.errors);
          // The deployment view stays until the infrastructure design runs again on the new containers.
          parsed.c4 = ctx.c4?.deployment ? { ...merged.model, deployment: ctx.c4.deployment } : merged.model;
        }
        // The model is checked up to the levels this step adds: the lower ones are later steps' to add.
        errors.push(...checkC4(parsed.c4, { upToLevel: Math.max(...levels) as C4Level }).map((i) => i.message));
        break;
      }
      case 'findings': {
        const r = parseFindingsJson(body, { documents: ctx.documents });
        errors.push(...r.errors);
        parsed.review = r.review;
        const said = /"verdict"\s*:\s*"(\w+)"/.exec(body)?.[1]?.toLowerCase();
        if (r.review && said && said !== r.review.verdict) {
          warnings.push(
            `the agent's verdict "${said}" contradicts its findings; the computed verdict is "${r.review.verdict}"`,
          );
        }
        break;
      }
      case 'deployment': {
        const r = parseDeploymentJson(body);
        errors.push(...r.errors);
        if (!r.deployment || r.errors.length > 0) break;
        parsed.c4 = { ...(ctx.c4 ?? emptyModel()), deployment: r.deployment };
        errors.push(...checkDeployment(parsed.c4).map((i) => i.message));
        break;
      }
      case 'additions': {
        const r = parseAdditionsJson(body, stepId);
        errors.push(...r.errors);
        parsed.additions = r.additions;
        break;
      }
      case 'adrs': {
        const r = parseAdrJson(body);
        errors.push(...r.errors);
        parsed.adrs = r.adrs;
        if (r.adrs.length === 0 && r.errors.length === 0)
          errors.push('The `archflow-adrs` block has no decisions; record at least one.');
        break;
      }
    }
  }
  errors.push(...unknownAssumptions(parsed, ctx));
  warnings.push(...definitionWarnings(stepId, text));
  if (ctx.requirementIds && ctx.requirementIds.size > 0) {
    const unknown = mentionedRequirementIds(text).filter((id) => !ctx.requirementIds!.has(id));
    if (unknown.length) warnings.push(`cites requirement ids that are not in the inventory: ${unknown.join(', ')}`);
  }
  return errors.length ? { errors } : { parsed, errors };
}

/**
 * The assumptions that the elements this answer adds cite (a proposed technology, provider or
 * region) must be defined: in its own additions block, or in a document it read.
 */
function unknownAssumptions(parsed: ParsedStep, ctx: StepContext): string[] {
  const known = new Set((parsed.additions ?? []).map((a) => a.id));
  for (const [name, text] of ctx.documents ?? [])
    for (const d of registerDefinitions(text, name, true)) known.add(d.id);
  const before = new Set((ctx.c4?.containers ?? []).filter((c) => c.assumption).map((c) => `${c.id}:${c.assumption}`));
  const cited: [string, string | undefined][] = [
    ...(parsed.c4?.containers ?? [])
      .filter((c) => !before.has(`${c.id}:${c.assumption}`))
      .map((c): [string, string | undefined] => [`container "${c.id}"`, c.assumption]),
    ...(parsed.c4?.deployment && parsed.c4.deployment !== ctx.c4?.deployment
      ? [
          ...parsed.c4.deployment.nodes.map((n): [string, string | undefined] => [`node "${n.id}"`, n.assumption]),
          ...parsed.c4.deployment.infrastructure.map((i): [string, string | undefined] => [
            `infrastructure "${i.id}"`,
            i.assumption,
          ]),
        ]
      : []),
  ];
  return cited
    .filter(([, a]) => a !== undefined && !known.has(a))
    .map(
      ([what, a]) =>
        `${what} rests on assumption "${a}", which no document defines; define it in the archflow-additions block.`,
    );
}

/**
 * Register ids the document defines in its own tables rather than its additions block, or outside
 * its range: `check` reports them when another document defines the same id.
 */
function definitionWarnings(stepId: StepId, text: string): string[] {
  const step = stepById(stepId);
  if (!step.ids) return [];
  const hasBlock = step.blocks.includes('additions');
  // The block itself is JSON in a fence, which the scan skips: what it finds is outside the block.
  const defs = registerDefinitions(text, step.document, !hasBlock);
  const loose = hasBlock ? defs : defs.filter((d) => !inRange(stepId, d.id));
  if (loose.length === 0) return [];
  const where = hasBlock ? 'outside its archflow-additions block' : 'outside its range';
  return [
    `defines ${loose.map((d) => d.id).join(', ')} ${where}; another document may give the same id another meaning`,
  ];
}

function emptyModel(): C4Model {
  return { people: [], systems: [], containers: [], components: [], relationships: [] };
}

/** A fenced Mermaid block. */
export function mermaidBlock(body: string): string {
  return '```mermaid\n' + body.trim() + '\n```';
}

/** Level-1 elements as a table: every person and system with its purpose. */
function contextTable(model: C4Model): string {
  return renderTable(CONTEXT_TABLE_HEADER, [
    ...model.people.map((p) => [p.name, `\`${p.id}\``, p.external ? 'person (external)' : 'person', p.description]),
    ...model.systems.map((s) => [
      s.name,
      `\`${s.id}\``,
      s.external ? 'external system' : 'system in scope',
      s.description,
    ]),
  ]);
}

function containerTable(model: C4Model): string {
  return renderTable(
    CONTAINER_TABLE_HEADER,
    model.containers.map((c) => [
      c.name,
      `\`${c.id}\``,
      c.kind,
      // A technology the PRD left open is a proposal until its assumption is confirmed.
      c.assumption ? `${c.technology} (proposed, ${c.assumption})` : c.technology,
      c.description,
    ]),
  );
}

/**
 * Puts each level-3 diagram under the agent's own H3 for that container (the one naming its id in
 * backticks) inside `## Component Views`; a container without such an H3 gets one of its own.
 */
export function placeComponentViews(text: string, model: C4Model): string {
  const heading = /^##\s+(?:\d+\.?\s+)?Component Views\s*$/im.exec(text);
  if (!heading) return text;
  const bodyStart = heading.index + heading[0].length;
  const next = /^##\s/m.exec(text.slice(bodyStart));
  const bodyEnd = next ? bodyStart + next.index : text.length;
  let body = text.slice(bodyStart, bodyEnd);
  const missing: string[] = [];
  for (const id of componentViewIds(model)) {
    const diagram = mermaidBlock(componentView(model, id));
    const h3 = new RegExp(`^###\\s.*\`${id}\`.*$`, 'm').exec(body);
    if (h3) {
      const at = h3.index + h3[0].length;
      body = `${body.slice(0, at)}\n\n${diagram}\n${body.slice(at)}`;
    } else {
      const c = model.containers.find((x) => x.id === id);
      missing.push(`### ${escapeInline(c?.name ?? id)} (\`${id}\`)\n\n${diagram}`);
    }
  }
  body = body.trimEnd() + (missing.length ? `\n\n${missing.join('\n\n')}` : '') + '\n\n';
  return text.slice(0, bodyStart) + body + text.slice(bodyEnd);
}

/** Inserts `insert` right after the `## <section>` heading line. */
function afterHeading(text: string, section: string, insert: string): string {
  const re = new RegExp(`^##\\s+(?:\\d+\\.?\\s+)?${section.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`, 'mi');
  const m = re.exec(text);
  if (!m) return text + '\n\n' + insert + '\n';
  const at = m.index + m[0].length;
  return text.slice(0, at) + '\n\n' + insert + '\n' + text.slice(at);
}

/** Whether the step's C4 block adds `level` of the model (so its document shows that level's views). */
function addsLevel(parsed: ParsedStep, level: C4Level): boolean {
  return stepById(parsed.step).c4Levels?.includes(level) ?? false;
}

/**
 * The document written to disk: structured blocks replaced by the tables and diagrams code makes
 * from them, Mermaid init directives removed. `adrLinks` renders the decision step's list of recorded ADRs.
 */
export function renderStepDocument(parsed: ParsedStep, adrLinks?: string): string {
  const blocks = fencedBlocks(parsed.text);
  let out = '';
  let last = 0;
  for (const b of blocks) {
    out += parsed.text.slice(last, b.start);
    last = b.end;
    const info = b.info.split(/\s+/);
    if (info.includes('archflow-requirements') && parsed.requirements) {
      out += renderRequirementsTable(parsed.requirements);
    } else if (info.includes('archflow-c4') && parsed.c4) {
      out += addsLevel(parsed, 2)
        ? `${mermaidBlock(containerView(parsed.c4))}\n\n${containerTable(parsed.c4)}`
        : `${mermaidBlock(contextView(parsed.c4))}\n\n${contextTable(parsed.c4)}`;
    } else if (info.includes('archflow-findings') && parsed.review) {
      out += renderFindings(parsed.review);
    } else if (info.includes('archflow-deployment') && parsed.c4?.deployment) {
      const views = deploymentViews(parsed.c4);
      // One diagram per environment, each under its name; then what runs where, as tables.
      const diagrams = views.map((v) => `${deploymentHeading(v)}\n\n${mermaidBlock(deploymentMermaid(v))}`);
      out += views.length ? `${diagrams.join('\n\n')}\n\n${deploymentTables(parsed.c4)}` : '';
    } else if (info.includes('archflow-additions') && parsed.additions) {
      out += renderAdditions(parsed.additions);
    } else if (info.includes('archflow-adrs')) {
      out += adrLinks ?? '';
    } else if (info[0] === 'mermaid') {
      out += mermaidBlock(stripInitDirectives(b.body));
    } else {
      out += parsed.text.slice(b.start, b.end);
    }
  }
  out += parsed.text.slice(last);
  if (addsLevel(parsed, 3) && parsed.c4) out = placeComponentViews(out, parsed.c4);
  if (parsed.review) {
    // The model's own one-line verdict gives way to the computed one (which may disagree with it).
    out = out.replace(/^[*_\s]*Verdict[*_]*\s*:?\s*[*_]*(pass|fail)[*_.]*\s*$\n?/gim, '');
    out = afterHeading(out, 'Verdict', renderVerdict(parsed.review));
  }
  return out.replace(/\n{3,}/g, '\n\n').trimEnd() + '\n';
}
