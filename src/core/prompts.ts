/** Prompt files and the layout of a step's request (shared context first, so it caches). */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { LlmRequest, PromptBlock } from './llm/types';
import { promptValues } from './promptValues';
import { layoutWithChain } from './contextTrim';
import { type BlockKind, type StepDef, type StepId, downstreamOf, stepById, stepTitle } from './steps';

/** Where prompt text comes from: the shipped prompts, overridden per workspace. */
export interface PromptSource {
  /** The text of `name` (e.g. `agents/backend-architect.md`), and where it came from. */
  read(name: string): Promise<{ text: string; origin: string }>;
}

/** Reads `prompts/<name>`, preferring `<overrideDir>/<name>` when that file exists. */
export class FilePromptSource implements PromptSource {
  constructor(
    private readonly builtinDir: string,
    private readonly overrideDir?: string,
  ) {}

  async read(name: string): Promise<{ text: string; origin: string }> {
    if (name.includes('..') || path.isAbsolute(name)) throw new Error(`Invalid prompt name ${name}`);
    if (this.overrideDir) {
      const p = path.join(this.overrideDir, name);
      const text = await fs.readFile(p, 'utf8').catch(() => undefined);
      if (text !== undefined && text.trim() !== '') return { text, origin: p };
    }
    const p = path.join(this.builtinDir, name);
    return { text: await fs.readFile(p, 'utf8'), origin: p };
  }
}

/** The prompt file that specifies a structured block (its JSON schema and rules). */
export function blockPromptFile(kind: BlockKind): string {
  return `blocks/${kind}.md`;
}

/** The prompt files a step uses: the shared format, its agent, its task, and the schemas of its blocks only. */
export function promptFilesFor(step: StepDef): string[] {
  return ['output-format.md', `agents/${step.agent}.md`, `steps/${step.prompt}`, ...step.blocks.map(blockPromptFile)];
}

/** An upstream document handed to a step. */
export interface ContextDocument {
  name: string;
  text: string;
  step?: StepId;
  /** Which part of the file this block holds, when a file is sent in parts (contextTrim.ts). */
  part?: string;
}

export interface StepPromptInput {
  step: StepId;
  prdName: string;
  prdText: string;
  upstream: ContextDocument[];
  /** The decisions recorded so far (for a step that reads them), so their keys keep their numbers. */
  existingDecisions?: { key: string; number: number; title: string }[];
  model: string;
  maxTokens: number;
  /** Revision mode: the revision part (current document, changes, revision prompt), after the task. */
  revision?: string;
}

/** The prompt file with the rules of revision mode and the format of a revision answer. */
export const REVISION_PROMPT = 'revision.md';

const PLACEHOLDER = /\{\{\s*([a-zA-Z][a-zA-Z0-9]*)\s*\}\}/g;

/** Replaces `{{name}}` placeholders; throws naming any unknown placeholder. */
export function fillPlaceholders(text: string, values: Record<string, string>, origin: string): string {
  return text.replace(PLACEHOLDER, (_m, key: string) => {
    const v = values[key];
    if (v === undefined) {
      throw new Error(
        `Prompt ${origin} uses an unknown placeholder {{${key}}}. Known: ${Object.keys(values).join(', ')}.`,
      );
    }
    return v;
  });
}

/** Wraps text as a delimited document so the model can tell context from instructions. */
export function documentBlock(doc: ContextDocument): string {
  const step = doc.step ? ` step="${doc.step}"` : '';
  const part = doc.part ? ` part="${doc.part}"` : '';
  return `<document name="${doc.name}"${step}${part}>\n${doc.text.trimEnd()}\n</document>`;
}

/**
 * Lays out a step's request. Order: the shared system text, then the PRD, then the context
 * documents as contextTrim.ts lays them out (the digests of the step documents in step order,
 * each part of the C4 model after the digest of the step that writes it, then the documents the
 * step builds on, whole), then this step's persona, task and the schemas of the blocks it writes.
 * Every step shares the system text and the PRD as a cached prefix, and each step's chain of
 * digests is the start of the next one's, so a request reads it from the cache; the schemas come
 * last because they differ per step (docs/adr/0011-request-carries-its-own-block-schemas.md).
 * Breakpoints: the system text, the PRD and the end of the chain, which the next step reads. A
 * step no other step waits for marks the block before the chain's last instead: it reads what the
 * step before it cached, and writes nothing no later request would read.
 */
export async function buildStepRequest(source: PromptSource, input: StepPromptInput): Promise<LlmRequest> {
  const step = stepById(input.step);
  const [format, persona, task, ...schemas] = await Promise.all(promptFilesFor(step).map((n) => source.read(n)));
  const values = promptValues(step, input.prdName, input.existingDecisions ?? []);
  const fill = (p: { text: string; origin: string }): string => fillPlaceholders(p.text, values, p.origin).trim();
  const system: PromptBlock[] = [{ text: fill(format), cache: true }];
  const blocks: PromptBlock[] = step.reads.prd
    ? [{ text: documentBlock({ name: 'PRD', text: `Source: ${input.prdName}\n\n${input.prdText}` }), cache: true }]
    : [];
  const { documents: context, chain } = layoutWithChain(step.id, input.upstream);
  // The breakpoint reads the longest cached prefix before it and writes the prefix it ends: the
  // shared chain, which the next step's request starts with (what follows it is this step's own).
  const end = chain > 0 ? chain : context.length;
  const mark = downstreamOf(step.id).length > 0 ? end - 1 : end - 2;
  context.forEach((doc, i) =>
    blocks.push(i === mark ? { text: documentBlock(doc), cache: true } : { text: documentBlock(doc) }),
  );
  const taskText = [
    `# Task: ${stepTitle(step.id)}`,
    '',
    '## Your role',
    '',
    fill(persona),
    '',
    fill(task),
    '',
    '## Required H2 sections, in this order',
    '',
    values.sections,
    ...(schemas.length ? ['', '## The structured blocks you write', '', schemas.map(fill).join('\n\n')] : []),
  ].join('\n');
  blocks.push({ text: taskText });
  // After the task: a revision shares the whole prefix of a full run's request with the cache.
  if (input.revision) blocks.push({ text: input.revision });
  return { model: input.model, maxTokens: input.maxTokens, system, turns: [{ role: 'user', content: blocks }] };
}

/**
 * The follow-up turn of the one automatic repair round (`revision`: the answer was a revision;
 * `again`: what a part of a step answers again, in place of the whole document).
 */
export function repairTurnText(errors: string[], revision = false, again?: string): string {
  return [
    'Your answer could not be used: code found these problems.',
    '',
    ...errors.map((e) => `- ${e}`),
    '',
    again ??
      (revision
        ? 'Answer again as a revision: the corrected `## ` sections, each complete with its structured blocks, in the required format, and nothing else.'
        : 'Answer again with the complete corrected document (all sections and structured blocks), in the required format, and nothing else.'),
  ].join('\n');
}
