/** Reading a Messages API request body: its blocks in prompt order, the step, the documents. */
import { repairTurnText } from '../../src/core/prompts';
import { parseStepId } from '../../src/core/steps';
import { PART_HEADING } from '../../src/core/adr/parts';
import { type StepPart, stepPartOfText } from '../../src/core/sectionParts';

/** A content block as the API accepts it (text blocks are the only kind Archflow sends). */
export interface ContentBlockLike {
  type?: string;
  text?: string;
  cache_control?: { type?: string; ttl?: string } | null;
  [key: string]: unknown;
}

export interface MessageLike {
  role: string;
  content: string | ContentBlockLike[];
}

/** The parts of a `POST /v1/messages` body the fake reads. */
export interface MessagesBody {
  model: string;
  max_tokens: number;
  system?: string | ContentBlockLike[];
  messages: MessageLike[];
  stream?: boolean;
  [key: string]: unknown;
}

/** One block of the prompt, in the order the API processes them (system, then messages). */
export interface FlatBlock {
  role: 'system' | 'user' | 'assistant';
  /** Index of the message (-1 for system). */
  message: number;
  text: string;
  /** The block carries a cache breakpoint; ttl in ms. */
  breakpoint?: { ttlMs: number };
}

const FIVE_MINUTES = 5 * 60 * 1000;

/** Checks a body's shape; returns the problem in the API's words, or undefined when usable. */
export function validateBody(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'Request body must be a JSON object.';
  const b = body as Record<string, unknown>;
  if (typeof b.model !== 'string' || b.model.length === 0) return 'model: Field required';
  if (typeof b.max_tokens !== 'number' || !Number.isInteger(b.max_tokens) || b.max_tokens < 1) {
    return 'max_tokens: Field required (a positive integer)';
  }
  if (!Array.isArray(b.messages) || b.messages.length === 0) return 'messages: at least one message is required';
  for (const [i, m] of (b.messages as unknown[]).entries()) {
    if (typeof m !== 'object' || m === null) return `messages.${i}: must be an object`;
    const msg = m as Record<string, unknown>;
    if (msg.role !== 'user' && msg.role !== 'assistant')
      return `messages.${i}.role: Input should be 'user' or 'assistant'`;
    if (typeof msg.content !== 'string' && !Array.isArray(msg.content)) return `messages.${i}.content: Field required`;
  }
  if (b.system !== undefined && typeof b.system !== 'string' && !Array.isArray(b.system)) {
    return 'system: Input should be a string or a list of text blocks';
  }
  const breakpoints = flattenBlocks(b as unknown as MessagesBody).filter((x) => x.breakpoint).length;
  if (breakpoints > 4) return `A maximum of 4 blocks with cache_control may be provided. Found ${breakpoints}.`;
  return undefined;
}

/** Checks a count_tokens body, which needs no `max_tokens`; returns the problem, or undefined. */
export function validateCount(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return 'Request body must be a JSON object.';
  const b = body as Record<string, unknown>;
  if (typeof b.model !== 'string') return 'model: Field required';
  if (!Array.isArray(b.messages) || b.messages.length === 0) return 'messages: at least one message is required';
  return undefined;
}

function blockText(block: ContentBlockLike): string {
  if (typeof block.text === 'string' && (block.type === undefined || block.type === 'text')) return block.text;
  // Other block kinds count by their serialised size, without the cache marker.
  const copy: Record<string, unknown> = { ...block };
  delete copy.cache_control;
  return JSON.stringify(copy);
}

function breakpointOf(block: ContentBlockLike): FlatBlock['breakpoint'] {
  const cc = block.cache_control;
  if (!cc || cc.type !== 'ephemeral') return undefined;
  return { ttlMs: cc.ttl === '1h' ? 60 * 60 * 1000 : FIVE_MINUTES };
}

/** Every block of the prompt in processing order. */
export function flattenBlocks(body: MessagesBody): FlatBlock[] {
  const out: FlatBlock[] = [];
  const add = (role: FlatBlock['role'], message: number, content: string | ContentBlockLike[] | undefined): void => {
    if (content === undefined) return;
    if (typeof content === 'string') {
      out.push({ role, message, text: content });
      return;
    }
    for (const block of content) {
      if (typeof block !== 'object' || block === null) continue;
      const bp = breakpointOf(block);
      out.push(
        bp ? { role, message, text: blockText(block), breakpoint: bp } : { role, message, text: blockText(block) },
      );
    }
  };
  add('system', -1, body.system);
  body.messages.forEach((m, i) => add(m.role === 'assistant' ? 'assistant' : 'user', i, m.content));
  return out;
}

/** The text of a message (its text blocks joined). */
export function messageText(m: MessageLike): string {
  if (typeof m.content === 'string') return m.content;
  return m.content
    .filter((b) => typeof b === 'object' && b !== null)
    .map((b) => blockText(b))
    .join('\n\n');
}

/** The first line of the core's repair turn; a request whose last user turn starts with it is a repair. */
export const REPAIR_PREFIX = repairTurnText([]).split('\n')[0];

/** A document handed to the model as `<document name="…" step="…">`. */
export interface RequestDocument {
  name: string;
  step?: number;
  /** The part of a file sent in parts (`part="…"`). */
  part?: string;
  text: string;
}

/** An ADR the request lists as already recorded (step 8). */
export interface ExistingDecision {
  key: string;
  number: number;
  title: string;
}

/** What the fake model understands of a request. */
export interface RequestContext {
  /** Step 1-8 from `# Task: Step N`, or null when the request is not an Archflow step. */
  step: number | null;
  /** The request is the repair turn of a step (last user turn starts with the repair text). */
  repair: boolean;
  /** The repair turn's error list, when it is one. */
  repairErrors: string[];
  prd: { name: string; text: string } | undefined;
  documents: RequestDocument[];
  existingDecisions: ExistingDecision[];
  /** The text of the task block. */
  task: string;
  /** The part of a step written in parts (its instruction block, `# Part: …`), if the request is one. */
  part?: StepPart;
  /** Everything the user sent, joined (for requests that are not steps). */
  userText: string;
}

const TASK_RE = /^# Task: Step (\d+)\b/m;

/** Finds the step of a request from its task block (`# Task: Step N — Name`). */
export function detectStep(body: MessagesBody): number | null {
  return readContext(body).step;
}

/** Reads step, documents and decisions out of a request. */
export function readContext(body: MessagesBody): RequestContext {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const users = messages.filter((m) => m.role === 'user');
  const last = users[users.length - 1];
  const lastText = last ? messageText(last) : '';
  const repair = messages.length > 1 && lastText.trimStart().startsWith(REPAIR_PREFIX);
  const promptUsers = repair ? users.slice(0, -1) : users;

  // The task is the block that starts with "# Task: Step N"; the last such block wins.
  let step: number | null = null;
  let task = '';
  let part: StepPart | undefined;
  const texts: string[] = [];
  for (const m of promptUsers) {
    const blocks =
      typeof m.content === 'string' ? [m.content] : m.content.filter((b) => b && typeof b === 'object').map(blockText);
    for (const t of blocks) {
      texts.push(t);
      if (t.trimStart().startsWith(PART_HEADING)) part = stepPartOfText(t) ?? part;
      const match = TASK_RE.exec(t);
      if (match && t.trimStart().startsWith('# Task:')) {
        const n = parseStepId(match[1]);
        if (n !== undefined) {
          step = n;
          task = t;
        }
      }
    }
  }
  const userText = texts.join('\n\n');
  if (step === null) {
    const any = [...userText.matchAll(/^# Task: Step (\d+)\b/gm)].pop();
    const n = any ? parseStepId(any[1]) : undefined;
    if (n !== undefined) step = n;
  }

  const documents = parseDocuments(userText);
  const prdDoc = documents.find((d) => d.name === 'PRD');
  let prd: RequestContext['prd'];
  if (prdDoc) {
    const src = /^Source: (.*)\n\n?/.exec(prdDoc.text);
    prd = src ? { name: src[1].trim(), text: prdDoc.text.slice(src[0].length) } : { name: 'PRD', text: prdDoc.text };
  }
  const repairErrors = repair
    ? lastText
        .split('\n')
        .filter((l) => l.startsWith('- '))
        .map((l) => l.slice(2).trim())
    : [];
  return {
    step,
    repair,
    repairErrors,
    prd,
    documents: documents.filter((d) => d.name !== 'PRD'),
    existingDecisions: parseDecisions(task || userText),
    task,
    userText,
    ...(part ? { part } : {}),
  };
}

/** The `<document name="…">…</document>` blocks of a text, in order. */
export function parseDocuments(text: string): RequestDocument[] {
  const out: RequestDocument[] = [];
  const re = /<document name="([^"]*)"(?: step="(\d+)")?(?: part="([^"]*)")?>\n([\s\S]*?)\n?<\/document>/g;
  for (const m of text.matchAll(re)) {
    const doc: RequestDocument = m[2] ? { name: m[1], step: Number(m[2]), text: m[4] } : { name: m[1], text: m[4] };
    out.push(m[3] ? { ...doc, part: m[3] } : doc);
  }
  return out;
}

/** The existing decisions a step-8 task lists ("- `key` — ADR 0001: Title"). */
export function parseDecisions(text: string): ExistingDecision[] {
  const out: ExistingDecision[] = [];
  for (const m of text.matchAll(/^[-*]\s+`([a-z0-9][a-z0-9-]*)`\s+[—–-]+\s+ADR\s+(\d+):\s*(.+?)\s*$/gm)) {
    if (!out.some((d) => d.key === m[1])) out.push({ key: m[1], number: Number(m[2]), title: m[3] });
  }
  return out;
}
