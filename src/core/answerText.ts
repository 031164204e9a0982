/**
 * A model's answer as text we can trust to hold one Markdown document: no control characters, no
 * code fence wrapped around the whole document, and no fence left open that would swallow whatever
 * is assembled after it.
 */

/** C0 controls except tab and line feed, and DEL: they have no business in Markdown (NUL makes git call the file binary). */
const CONTROL_CHARS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/** The text with line breaks as LF and without control characters other than tab and line feed. */
export function withoutControlChars(text: string): string {
  return text.replace(/\r\n?/g, '\n').replace(CONTROL_CHARS, '');
}

/** An opening or closing code fence line: its character, its length and its info string. */
interface FenceLine {
  char: '`' | '~';
  length: number;
  info: string;
}

function fenceOf(line: string): FenceLine | undefined {
  const m = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
  if (!m) return undefined;
  const info = m[2].trim();
  // A backtick fence's info string may not contain a backtick (CommonMark).
  if (m[1][0] === '`' && info.includes('`')) return undefined;
  return { char: m[1][0] as '`' | '~', length: m[1].length, info };
}

/** Whether `line` closes the fence `open`: the same character, at least as long, nothing after it. */
function closes(line: string, open: FenceLine): boolean {
  const f = fenceOf(line);
  return f !== undefined && f.char === open.char && f.length >= open.length && f.info === '';
}

/** The 0-based index of the line that opens a fence never closed, or -1 when every fence closes. */
export function unclosedFenceLine(lines: readonly string[]): number {
  let open: FenceLine | undefined;
  let at = -1;
  lines.forEach((line, i) => {
    if (open) {
      if (closes(line, open)) open = undefined;
      return;
    }
    const f = fenceOf(line);
    if (f) {
      open = f;
      at = i;
    }
  });
  return open ? at : -1;
}

/** The text with a fence left open closed at its end, so it cannot swallow what is assembled after it. */
export function closeOpenFence(text: string): string {
  const lines = text.split('\n');
  const at = unclosedFenceLine(lines);
  if (at < 0) return text;
  const fence = fenceOf(lines[at])!;
  return `${text.trimEnd()}\n${fence.char.repeat(fence.length)}`;
}

/** Info strings a model puts on a fence around a whole Markdown document. */
const DOCUMENT_FENCE_INFO = /^(?:|markdown|md|gfm|text)$/i;

const H1 = /^#\s+\S/;
const HEADING = /^ {0,3}#{1,6}\s/;

/** What unwrapping found: the document's text, and whether a wrapping fence was removed. */
export interface Unwrapped {
  text: string;
  unwrapped: boolean;
}

/**
 * Removes a code fence wrapped around the whole document, with the chatter around it, when that
 * is unambiguous: the fence (info string empty or `markdown`) opens before the document's H1 with
 * nothing but prose before it, its closing line is the last bare fence, only prose without
 * headings or fences follows it, and the fences inside are balanced. Otherwise the text is
 * returned as it is (a fence left open is then reported by `unclosedFenceLine`).
 */
export function unwrapDocument(text: string): Unwrapped {
  const lines = text.split('\n');
  const h1 = lines.findIndex((l) => H1.test(l));
  if (h1 < 0) return { text, unwrapped: false };
  let open = -1;
  for (let i = h1 - 1; i >= 0; i--) {
    if (lines[i].trim() === '') continue;
    const f = fenceOf(lines[i]);
    if (f && DOCUMENT_FENCE_INFO.test(f.info)) open = i;
    break;
  }
  if (open < 0) return { text, unwrapped: false };
  const fence = fenceOf(lines[open])!;
  const before = lines.slice(0, open);
  if (before.some((l) => HEADING.test(l) || fenceOf(l))) return { text, unwrapped: false };
  // The closing line: the last bare fence of the opening's kind; after it, prose only.
  let close = -1;
  for (let i = lines.length - 1; i > h1; i--) {
    if (closes(lines[i], fence)) {
      close = i;
      break;
    }
  }
  const candidates: { inner: string[]; after: string[] }[] = [];
  if (close > 0) candidates.push({ inner: lines.slice(h1, close), after: lines.slice(close + 1) });
  // A wrapping fence that was never closed: the document runs to the end.
  candidates.push({ inner: lines.slice(h1), after: [] });
  for (const c of candidates) {
    if (c.after.some((l) => HEADING.test(l) || fenceOf(l))) continue;
    if (unclosedFenceLine(c.inner) >= 0) continue;
    return { text: c.inner.join('\n').trimEnd() + '\n', unwrapped: true };
  }
  return { text, unwrapped: false };
}
