/**
 * Revision mode (docs/adr/0012-revision-format.md): a step that already has a document is revised,
 * not written again. This module builds what the revision request carries (the current document
 * as the base, the PRD diff, the upstream documents that changed, the notes addressed to the
 * step), keeps what a later revision needs (the step's last accepted answer, the PRD text each
 * step saw) and merges the answer, which sends only the `##` sections it changes, into the base.
 */
import { fencedBlocks, headingKey, splitSections } from './markdown';
import type { RunFiles } from './runFiles';
import type { StepDef } from './steps';

/** A comment, change request or finding addressed to a step (the host or the resolve loop makes them). */
export interface RevisionNote {
  id?: string;
  text: string;
  file?: string;
  line?: number;
  quote?: string;
  author?: string;
}

/** The exact answer that says the document needs no change. */
export const NO_CHANGES = 'NO CHANGES';

/** Where revision mode keeps its memory, inside the output folder (it travels with the design). */
export const REVISION_DIR = '.archflow';

/** The step's last accepted answer (with its structured blocks) and the document code rendered from it. */
export interface StoredAnswer {
  /** The answer as validated, structured blocks as JSON. */
  answer: string;
  /** The document written from it (blocks rendered as tables), to recognise the user's edits per section. */
  written: string;
}

function answerFile(def: StepDef): string {
  return `${REVISION_DIR}/answers/${def.document.replace(/\.md$/, '')}.json`;
}

function prdFile(hash: string): string {
  return `${REVISION_DIR}/prd/${hash.replace(/^sha256:/, '').slice(0, 16)}.md`;
}

/** The answer a step's document was last written from, when Archflow kept it. */
export async function readStoredAnswer(files: RunFiles, def: StepDef): Promise<StoredAnswer | undefined> {
  const text = await files.read(answerFile(def));
  if (text === undefined) return undefined;
  try {
    const v = JSON.parse(text) as Partial<StoredAnswer>;
    return typeof v.answer === 'string' && typeof v.written === 'string'
      ? { answer: v.answer, written: v.written }
      : undefined;
  } catch {
    return undefined;
  }
}

export async function writeStoredAnswer(files: RunFiles, def: StepDef, stored: StoredAnswer): Promise<void> {
  await files.write(answerFile(def), JSON.stringify(stored, null, 2) + '\n');
}

/** The PRD text a step saw, by the hash its record keeps. */
export function readPrdSnapshot(files: RunFiles, hash: string): Promise<string | undefined> {
  return files.read(prdFile(hash));
}

/** Keeps the PRD text of this run, so the next run can tell each step what changed in it. */
export async function writePrdSnapshot(files: RunFiles, hash: string, text: string): Promise<void> {
  const rel = prdFile(hash);
  if ((await files.read(rel)) !== text) await files.write(rel, text);
}

/** A section with its heading line as written. */
interface Part {
  heading: string;
  key: string;
  body: string;
}

function partsOf(markdown: string): { title?: string; preamble: string; parts: Part[] } {
  const { title, preamble, sections } = splitSections(markdown);
  return {
    title,
    preamble,
    parts: sections.map((s) => ({ heading: s.title, key: headingKey(s.title), body: s.body })),
  };
}

function joinParts(title: string | undefined, preamble: string, parts: Part[]): string {
  const out: string[] = [];
  if (title !== undefined) out.push(`# ${title}`);
  if (preamble) out.push(preamble);
  for (const p of parts) out.push(`## ${p.heading}\n\n${p.body}`.trimEnd());
  return out.join('\n\n') + '\n';
}

function hasStructuredBlock(body: string): boolean {
  return fencedBlocks(body).some((b) => b.info.split(/\s+/).some((w) => w.startsWith('archflow-')));
}

/** What a revision starts from: the document in answer form, and what the user changed in it. */
export interface RevisionBase {
  /** The document with its structured blocks as JSON; the user's edits of prose sections applied. */
  text: string;
  /** Sections the user edited (their headings). */
  edited: string[];
  /** Edited sections holding a structured block: the user's version, which the answer must carry over. */
  editedWithBlocks: { heading: string; body: string }[];
  /** No answer was kept: the base is the document on disk, its blocks rendered as tables. */
  blocksRendered: boolean;
}

/**
 * The base of a revision. The document on disk is the user's (their edits are the base); the
 * kept answer supplies the structured blocks that the disk shows only as tables. A section the
 * user left as Archflow wrote it is taken from the answer; an edited prose section from the disk.
 */
export function revisionBase(disk: string, stored: StoredAnswer | undefined): RevisionBase {
  if (!stored) return { text: disk, edited: [], editedWithBlocks: [], blocksRendered: true };
  if (disk === stored.written) return { text: stored.answer, edited: [], editedWithBlocks: [], blocksRendered: false };
  const answer = partsOf(stored.answer);
  const written = new Map(partsOf(stored.written).parts.map((p) => [p.key, p]));
  const mine = partsOf(disk);
  const edited: string[] = [];
  const editedWithBlocks: { heading: string; body: string }[] = [];
  const parts: Part[] = [];
  const seen = new Set<string>();
  for (const p of mine.parts) {
    seen.add(p.key);
    const ours = answer.parts.find((a) => a.key === p.key);
    const same = written.get(p.key)?.body === p.body;
    if (ours && same) {
      parts.push(ours);
      continue;
    }
    edited.push(p.heading);
    if (ours && hasStructuredBlock(ours.body)) {
      // The block stays as code last validated it; the answer carries the user's change over.
      parts.push(ours);
      editedWithBlocks.push({ heading: p.heading, body: p.body });
    } else {
      parts.push(p);
    }
  }
  // A section the user deleted that the answer had stays (the step's sections are required).
  for (const a of answer.parts) if (!seen.has(a.key)) parts.splice(answer.parts.indexOf(a), 0, a);
  return {
    text: joinParts(mine.title ?? answer.title, mine.preamble, parts),
    edited,
    editedWithBlocks,
    blocksRendered: false,
  };
}

/** The answer merged into the base: the sections it sends replace theirs, the rest stay. */
export interface MergedRevision {
  text: string;
  /** Headings of the sections the answer replaced or added. */
  changed: string[];
  /** The answer said it changes nothing. */
  unchanged: boolean;
  errors: string[];
}

/**
 * Merges a revision answer into its base. Sections are matched by heading (numbering and
 * emphasis ignored); a section the answer names that the step does not have is an error, unless
 * the step requires it (it is then put in its place). An H1 in the answer replaces the title.
 */
export function mergeRevision(base: string, answer: string, def: StepDef): MergedRevision {
  const trimmed = answer.trim();
  if (trimmed === NO_CHANGES || trimmed.replace(/[*_`.]/g, '') === NO_CHANGES) {
    return { text: base, changed: [], unchanged: true, errors: [] };
  }
  const b = partsOf(base);
  const a = partsOf(trimmed);
  const errors: string[] = [];
  if (a.parts.length === 0 && a.title === undefined) {
    errors.push(
      `A revision answer is either exactly "${NO_CHANGES}" or the changed "## " sections, each complete with its heading.`,
    );
  }
  const required = def.sections.map((s) => s.toLowerCase());
  const parts = [...b.parts];
  const changed: string[] = [];
  for (const answered of a.parts) {
    const at = parts.findIndex((x) => x.key === answered.key);
    let p = answered;
    if (at >= 0 || hasPartialBlock(p.body)) {
      const merged = mergeChangedItems(p.body, at >= 0 ? parts[at].body : '', p.heading);
      errors.push(...merged.errors);
      p = { ...p, body: merged.body };
    }
    if (at >= 0) {
      if (parts[at].body !== p.body) changed.push(parts[at].heading);
      parts[at] = { ...p, heading: parts[at].heading };
      continue;
    }
    const r = required.indexOf(p.key);
    if (r < 0) {
      errors.push(
        `Section "## ${p.heading}" is not a section of this document; send only sections of the current document, headed exactly as there.`,
      );
      continue;
    }
    // A required section the base lacks: before the first base section that the table puts after it.
    const after = parts.findIndex((x) => required.indexOf(x.key) > r);
    parts.splice(after < 0 ? parts.length : after, 0, p);
    changed.push(p.heading);
  }
  const title = a.title ?? b.title;
  if (a.title !== undefined && a.title !== b.title) changed.unshift('title');
  return { text: joinParts(title, b.preamble, parts), changed, unchanged: changed.length === 0, errors };
}

/** The word after a block's kind that says it holds only the changed and new items. */
export const CHANGED_ITEMS = 'changed-items';

function hasPartialBlock(body: string): boolean {
  return fencedBlocks(body).some((b) => b.info.split(/\s+/).includes(CHANGED_ITEMS));
}

type Json = Record<string, unknown>;

/** The id (or key) an item of a structured block is matched by, when it has one. */
export function itemId(v: unknown): string | undefined {
  if (!v || typeof v !== 'object') return undefined;
  const o = v as Json;
  const id = o.id ?? o.key;
  return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
}

/**
 * A `changed-items` block merged into the base section's block of the same kind: each array of
 * items with ids or keys gets the answer's items in place of those with the same id, new ones at
 * the end, the others kept; any other field the answer sends replaces the base's. Code validates
 * the merged block as it validates a whole one.
 */
function mergeChangedItems(answer: string, base: string, heading: string): { body: string; errors: string[] } {
  const errors: string[] = [];
  const blocks = fencedBlocks(answer).filter((b) => b.info.split(/\s+/).includes(CHANGED_ITEMS));
  if (blocks.length === 0) return { body: answer, errors };
  let out = '';
  let from = 0;
  for (const b of blocks) {
    const kind = b.info.split(/\s+/)[0];
    const whole = fencedBlocks(base).find((x) => x.info.split(/\s+/)[0] === kind);
    const fail = (why: string): void => {
      errors.push(
        `Section "## ${heading}": the \`${kind} ${CHANGED_ITEMS}\` block ${why}; send the section with the whole \`${kind}\` block instead.`,
      );
    };
    let merged: Json | undefined;
    if (!whole) fail('has no block of that kind in the current section to merge into');
    else {
      try {
        const partial = JSON.parse(b.body) as unknown;
        const current = JSON.parse(whole.body) as unknown;
        if (
          !partial ||
          typeof partial !== 'object' ||
          Array.isArray(partial) ||
          !current ||
          typeof current !== 'object'
        )
          throw new Error('not an object');
        merged = { ...(current as Json) };
        for (const [k, v] of Object.entries(partial as Json)) {
          const before = merged[k];
          if (Array.isArray(v) && Array.isArray(before) && v.every((i) => itemId(i) !== undefined)) {
            const list = [...before];
            for (const item of v) {
              const i = list.findIndex((x) => itemId(x) === itemId(item));
              if (i >= 0) list[i] = item;
              else list.push(item);
            }
            merged[k] = list;
          } else merged[k] = v;
        }
      } catch {
        fail('is not a JSON object, or the current block is not');
      }
    }
    const fence = '```';
    out += answer.slice(from, b.start);
    out += merged ? `${fence}${kind}\n${JSON.stringify(merged, null, 2)}\n${fence}` : answer.slice(b.start, b.end);
    from = b.end;
  }
  return { body: out + answer.slice(from), errors };
}

/** Lines of context around each change in a diff. */
const CONTEXT = 2;
/** Beyond this many changed lines a diff is not helpful: the step reads the PRD anew. */
const MAX_DIFF_LINES = 400;

/**
 * A line diff in unified style (`-` removed, `+` added, ` ` context, `…` skipped), or undefined
 * when the texts are the same. Common head and tail are cut first, so a one-line edit is cheap.
 */
export function lineDiff(before: string, after: string): string | undefined {
  if (before === after) return undefined;
  const a = before.split(/\r?\n/);
  const b = after.split(/\r?\n/);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const x = a.slice(head, a.length - tail);
  const y = b.slice(head, b.length - tail);
  if (x.length + y.length > MAX_DIFF_LINES) return undefined;
  // LCS table over the middle only.
  const lcs: number[][] = Array.from({ length: x.length + 1 }, () => new Array<number>(y.length + 1).fill(0));
  for (let i = x.length - 1; i >= 0; i--)
    for (let j = y.length - 1; j >= 0; j--)
      lcs[i][j] = x[i] === y[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const middle: string[] = [];
  let i = 0;
  let j = 0;
  while (i < x.length || j < y.length) {
    if (i < x.length && j < y.length && x[i] === y[j]) {
      middle.push(`  ${x[i++]}`);
      j++;
    } else if (i < x.length && (j >= y.length || lcs[i + 1][j] >= lcs[i][j + 1])) middle.push(`- ${x[i++]}`);
    else middle.push(`+ ${y[j++]}`);
  }
  const lines = [
    ...(head > CONTEXT ? ['…'] : []),
    ...a.slice(Math.max(0, head - CONTEXT), head).map((l) => `  ${l}`),
    ...middle,
    ...a.slice(a.length - tail, a.length - tail + CONTEXT).map((l) => `  ${l}`),
    ...(tail > CONTEXT ? ['…'] : []),
  ];
  return lines.join('\n');
}

/** What changed for a step since its document was written. */
export interface RevisionChanges {
  /** The PRD diff; `substantial` when it changed too much for a diff to help. */
  prdDiff?: string | 'substantial';
  /** Upstream documents whose content changed since the step ran. */
  upstreamChanged: string[];
  notes: RevisionNote[];
}

/** Whether anything requires a revision. */
export function hasChanges(c: RevisionChanges): boolean {
  return c.prdDiff !== undefined || c.upstreamChanged.length > 0 || c.notes.length > 0;
}

/** Wraps untrusted text so a closing tag inside it cannot end the element early. */
function inert(text: string): string {
  return text.replace(/<\/(current-document|changes|note)>/gi, '</$1\u200b>');
}

function noteLine(n: RevisionNote): string {
  const where = [n.file, n.line !== undefined ? `line ${n.line}` : undefined].filter(Boolean).join(', ');
  const head = [
    n.id ? `[${n.id}]` : undefined,
    n.author ? `from ${n.author}` : undefined,
    where ? `on ${where}` : undefined,
  ]
    .filter(Boolean)
    .join(' ');
  const quote = n.quote ? `\n  > ${n.quote.split('\n').join('\n  > ')}` : '';
  return `<note${n.id ? ` id="${n.id.replace(/"/g, '')}"` : ''}>\n${inert(`${head ? head + ': ' : ''}${n.text}${quote}`)}\n</note>`;
}

/**
 * The revision part of the request, after the task text (so the cached prefix is the same as a
 * full run's): the current document, what changed, then the revision prompt.
 */
export function revisionText(def: StepDef, base: RevisionBase, changes: RevisionChanges, prompt: string): string {
  const attrs = base.edited.length ? ` edited-by-user="${base.edited.map((h) => h.replace(/"/g, '')).join('; ')}"` : '';
  const parts: string[] = [
    `# Revision of ${def.document}`,
    '',
    `<current-document name="${def.document}"${attrs}>`,
    inert(base.text.trimEnd()),
    '</current-document>',
    '',
    '<changes>',
  ];
  if (changes.prdDiff === 'substantial') parts.push('## PRD', '', 'The PRD changed substantially: read it anew.', '');
  else if (changes.prdDiff) parts.push('## PRD diff', '', '```diff', inert(changes.prdDiff), '```', '');
  if (changes.upstreamChanged.length) {
    parts.push('## Documents that changed since this document was written', '');
    for (const d of changes.upstreamChanged) parts.push(`- \`${d}\``);
    parts.push('');
  }
  if (changes.notes.length) {
    parts.push('## Notes addressed to this document', '');
    for (const n of changes.notes) parts.push(noteLine(n));
    parts.push('');
  }
  if (!hasChanges(changes)) parts.push('Nothing changed in the inputs; re-check the document against them.', '');
  for (const e of base.editedWithBlocks) {
    parts.push(
      `## The user's version of "## ${e.heading}" (keep their change; send this section back with its block)`,
      '',
      inert(e.body),
      '',
    );
  }
  parts.push('</changes>', '', prompt.trim());
  if (base.blocksRendered) {
    parts.push(
      '',
      'The current document shows its structured blocks rendered as tables: send every section that holds a structured block, with the block as JSON.',
    );
  }
  return parts.join('\n');
}
