/**
 * Review comments on the step documents, kept in `<output>/comments.json` so they survive a reload
 * and travel with git. A thread is anchored on a line and the text of that line (`quote`): when the
 * document changed, the thread moves to the line that still reads the same. The file is untrusted
 * input (anyone can edit or commit it): a thread whose file is not a plain path inside the output
 * folder, or that is malformed, is dropped and named in `problems`, never followed.
 */
import { SerialQueue } from './serialQueue';
import { hashText } from './hash';
import { type ArtifactStore, checkRelativePath } from './store';
import { STEPS, type StepId } from './steps';

export const COMMENTS_FILE = 'comments.json';

export interface ReviewComment {
  author: string;
  body: string;
  createdAt: string;
}

export interface CommentThread {
  /** `C-1`, `C-2`, …: stable, never reused in a folder. */
  id: string;
  /** The document, relative to the output folder, '/'-separated. */
  file: string;
  /** 1-based line the thread is on. */
  line: number;
  /** The text of that line when the thread was made (trimmed), to find it again. */
  quote: string;
  status: 'open' | 'resolved';
  comments: ReviewComment[];
  /**
   * How it was resolved: by a revision (its proposal file when one was written beside, or the
   * document's previous version when the revision replaced it, to show the change) or by hand.
   */
  resolved?: { at: string; by: string; proposal?: string; previous?: string };
}

/** A thread as a note for the step that owns its document (structurally a RevisionNote). */
export interface CommentNote {
  id: string;
  text: string;
  file: string;
  line: number;
  quote: string;
  author?: string;
}

const MAX_THREADS = 2000;

/** Where the version of a document that a revision replaced is kept, so its resolved threads show the change. */
export const PREVIOUS_DIR = '.archflow/revisions';

/**
 * Keeps `text`, the version of `file` a revision replaced, in the output folder (by content: the
 * same text is kept once) and returns its path, relative to the folder.
 */
export async function keepPreviousVersion(store: ArtifactStore, file: string, text: string): Promise<string> {
  const stem = checkRelativePath(file)
    .replace(/\.md$/i, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-');
  const rel = `${PREVIOUS_DIR}/${stem}-${hashText(text).slice('sha256:'.length, 'sha256:'.length + 12)}.md`;
  if ((await store.read(rel)) !== text) await store.write(rel, text);
  return rel;
}
const MAX_COMMENTS = 200;
const MAX_BODY = 20_000;
const MAX_QUOTE = 500;
const ID = /^C-([1-9][0-9]{0,8})$/;

/** The step whose primary document `file` is; undefined for any other file. */
export function stepOfDocument(file: string): StepId | undefined {
  return STEPS.find((s) => s.document === file)?.id;
}

/** The quote a thread keeps of a line: trimmed and bounded. */
export function quoteOf(lineText: string): string {
  return lineText.trim().slice(0, MAX_QUOTE);
}

/**
 * The line a thread belongs on in `text` now: its own line when that still reads the quote,
 * otherwise the nearest line that does; its old line (clamped to the document) when none does.
 * `moved` is false when the quote was not found (the line changed or was deleted).
 */
export function reanchor(
  thread: Pick<CommentThread, 'line' | 'quote'>,
  text: string,
): { line: number; moved: boolean; found: boolean } {
  const lines = text.split(/\r?\n/);
  const at = (n: number): string | undefined => (n >= 1 && n <= lines.length ? quoteOf(lines[n - 1] ?? '') : undefined);
  if (thread.quote === '' || at(thread.line) === thread.quote) {
    return { line: Math.min(Math.max(thread.line, 1), lines.length), moved: false, found: thread.quote !== '' };
  }
  for (let d = 1; d <= lines.length; d++) {
    for (const n of [thread.line - d, thread.line + d]) {
      if (at(n) === thread.quote) return { line: n, moved: true, found: true };
    }
  }
  return { line: Math.min(Math.max(thread.line, 1), lines.length), moved: false, found: false };
}

/** The open threads on a step's document as the notes its revision answers. */
export function notesOf(threads: readonly CommentThread[]): CommentNote[] {
  return threads
    .filter((t) => t.status === 'open')
    .map((t) => ({
      id: t.id,
      file: t.file,
      line: t.line,
      quote: t.quote,
      author: t.comments[0]?.author,
      text: t.comments.map((c, i) => (i === 0 ? c.body : `${c.author}: ${c.body}`)).join('\n'),
    }));
}

/** Reads a comments.json text; malformed parts are left out and described. */
export function parseComments(text: string): { threads: CommentThread[]; problems: string[] } {
  const problems: string[] = [];
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return { threads: [], problems: [`${COMMENTS_FILE} is not valid JSON (${(err as Error).message}).`] };
  }
  const list = isRecord(data) && Array.isArray(data.threads) ? data.threads : undefined;
  if (!list) return { threads: [], problems: [`${COMMENTS_FILE} has no "threads" list.`] };
  const threads: CommentThread[] = [];
  const seen = new Set<string>();
  for (const [i, raw] of list.slice(0, MAX_THREADS).entries()) {
    const why = invalidThread(raw);
    if (why) {
      problems.push(`${COMMENTS_FILE}: thread ${i + 1} was left out: ${why}.`);
      continue;
    }
    const t = raw as CommentThread;
    if (seen.has(t.id)) {
      problems.push(`${COMMENTS_FILE}: thread ${t.id} appears twice; the second was left out.`);
      continue;
    }
    seen.add(t.id);
    threads.push(clean(t));
  }
  if (list.length > MAX_THREADS) problems.push(`${COMMENTS_FILE}: only the first ${MAX_THREADS} threads were read.`);
  return { threads, problems };
}

function invalidThread(raw: unknown): string | undefined {
  if (!isRecord(raw)) return 'it is not an object';
  if (typeof raw.id !== 'string' || !ID.test(raw.id)) return 'its id is not like "C-1"';
  if (typeof raw.file !== 'string') return 'it has no file';
  try {
    checkRelativePath(raw.file);
  } catch {
    return `its file "${String(raw.file).slice(0, 80)}" is not a path inside the output folder`;
  }
  if (!raw.file.toLowerCase().endsWith('.md')) return `its file "${raw.file}" is not a Markdown document`;
  if (typeof raw.line !== 'number' || !Number.isInteger(raw.line) || raw.line < 1)
    return 'its line is not a positive number';
  if (typeof raw.quote !== 'string') return 'it has no quote';
  if (raw.status !== 'open' && raw.status !== 'resolved') return 'its status is neither "open" nor "resolved"';
  if (!Array.isArray(raw.comments) || raw.comments.length === 0) return 'it has no comments';
  for (const c of raw.comments) {
    if (!isRecord(c) || typeof c.body !== 'string' || typeof c.author !== 'string' || typeof c.createdAt !== 'string') {
      return 'a comment lacks author, body or createdAt';
    }
  }
  return undefined;
}

function clean(t: CommentThread): CommentThread {
  const out: CommentThread = {
    id: t.id,
    file: checkRelativePath(t.file),
    line: t.line,
    quote: t.quote.slice(0, MAX_QUOTE),
    status: t.status,
    comments: t.comments.slice(0, MAX_COMMENTS).map((c) => ({
      author: c.author.slice(0, 200),
      body: c.body.slice(0, MAX_BODY),
      createdAt: c.createdAt.slice(0, 40),
    })),
  };
  const r = (t as { resolved?: unknown }).resolved;
  if (isRecord(r) && typeof r.at === 'string' && typeof r.by === 'string') {
    const inside = (v: unknown): string | undefined => {
      if (typeof v !== 'string') return undefined;
      try {
        return checkRelativePath(v);
      } catch {
        return undefined;
      }
    };
    const proposal = inside(r.proposal);
    // Only a kept previous version: a thread's record never points at another file to diff.
    const previous = inside(r.previous);
    out.resolved = {
      at: r.at.slice(0, 40),
      by: r.by.slice(0, 200),
      ...(proposal ? { proposal } : {}),
      ...(previous?.startsWith(`${PREVIOUS_DIR}/`) ? { previous } : {}),
    };
  }
  return out;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The comment threads of one output folder; every change is read, applied and written at once. */
export class CommentStore {
  private readonly queue = new SerialQueue();

  constructor(
    private readonly store: ArtifactStore,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** The threads on disk now (a missing file is none). */
  async load(): Promise<{ threads: CommentThread[]; problems: string[] }> {
    const text = await this.store.read(COMMENTS_FILE);
    return text === undefined ? { threads: [], problems: [] } : parseComments(text);
  }

  /** A new open thread on `line` of `file`, whose text is `lineText`. */
  async add(input: {
    file: string;
    line: number;
    lineText: string;
    author: string;
    body: string;
  }): Promise<CommentThread> {
    const file = checkRelativePath(input.file);
    if (!file.toLowerCase().endsWith('.md')) throw new Error(`Comments go on Markdown documents; ${file} is not one.`);
    if (!Number.isInteger(input.line) || input.line < 1)
      throw new Error(`Line ${input.line} is not a line of ${file}.`);
    const body = input.body.trim();
    if (body === '') throw new Error('The comment is empty: write what should change.');
    return this.change((threads) => {
      const next = Math.max(0, ...threads.map((t) => Number(ID.exec(t.id)?.[1] ?? 0))) + 1;
      const thread: CommentThread = {
        id: `C-${next}`,
        file,
        line: input.line,
        quote: quoteOf(input.lineText),
        status: 'open',
        comments: [this.comment(input.author, body)],
      };
      threads.push(thread);
      return thread;
    });
  }

  /** Adds a reply; a reply to a resolved thread opens it again. */
  reply(id: string, input: { author: string; body: string }): Promise<CommentThread> {
    const body = input.body.trim();
    if (body === '') throw new Error('The reply is empty.');
    return this.change((threads) => {
      const thread = find(threads, id);
      thread.comments.push(this.comment(input.author, body));
      if (thread.status === 'resolved') {
        thread.status = 'open';
        delete thread.resolved;
      }
      return thread;
    });
  }

  /** Marks threads resolved (those that exist and are open); returns the ones it changed. */
  async resolve(
    ids: readonly string[],
    how: { by: string; proposal?: string; previous?: string },
  ): Promise<CommentThread[]> {
    const proposal = how.proposal === undefined ? undefined : checkRelativePath(how.proposal);
    const previous = how.previous === undefined ? undefined : checkRelativePath(how.previous);
    return this.change((threads) => {
      const changed = threads.filter((t) => ids.includes(t.id) && t.status === 'open');
      for (const t of changed) {
        t.status = 'resolved';
        t.resolved = {
          at: this.now().toISOString(),
          by: how.by,
          ...(proposal ? { proposal } : {}),
          ...(previous ? { previous } : {}),
        };
      }
      return changed;
    });
  }

  /** Opens a resolved thread again. */
  reopen(id: string): Promise<CommentThread> {
    return this.change((threads) => {
      const thread = find(threads, id);
      thread.status = 'open';
      delete thread.resolved;
      return thread;
    });
  }

  /** Deletes a thread. */
  remove(id: string): Promise<void> {
    return this.change((threads) => {
      const i = threads.findIndex((t) => t.id === id);
      if (i >= 0) threads.splice(i, 1);
    });
  }

  /** Moves the threads of `file` to where their quotes are in `text` now; writes only when one moved. */
  reanchorFile(file: string, text: string): Promise<CommentThread[]> {
    return this.change((threads) => {
      const mine = threads.filter((t) => t.file === file);
      let moved = false;
      for (const t of mine) {
        const r = reanchor(t, text);
        if (r.line !== t.line) {
          t.line = r.line;
          moved = true;
        }
      }
      return { result: mine, write: moved };
    });
  }

  private comment(author: string, body: string): ReviewComment {
    return {
      author: author.trim().slice(0, 200) || 'reviewer',
      body: body.slice(0, MAX_BODY),
      createdAt: this.now().toISOString(),
    };
  }

  /** Read, change, write atomically; one change at a time. */
  private change<T>(apply: (threads: CommentThread[]) => T | { result: T; write: boolean }): Promise<T> {
    return this.queue.run(async () => {
      const { threads, problems } = await this.load();
      // Writing back what could be read would drop what could not: the user fixes the file first.
      if (problems.length > 0)
        throw new Error(`${problems[0]} Fix or remove ${COMMENTS_FILE} in the output folder, then try again.`);
      const out = apply(threads);
      const wrapped =
        isRecord(out) && 'write' in out && 'result' in out ? (out as { result: T; write: boolean }) : undefined;
      if (!wrapped || wrapped.write) {
        await this.store.write(COMMENTS_FILE, `${JSON.stringify({ version: 1, threads }, null, 2)}\n`);
      }
      return wrapped ? wrapped.result : (out as T);
    });
  }
}

function find(threads: CommentThread[], id: string): CommentThread {
  const thread = threads.find((t) => t.id === id);
  if (!thread) throw new Error(`There is no comment thread ${id} in ${COMMENTS_FILE}; it may have been deleted.`);
  return thread;
}
