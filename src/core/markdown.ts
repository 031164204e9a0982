/** Small Markdown helpers: tables, sections and fenced blocks, for text we generate and read back. */

/**
 * Model text made inert as HTML wherever the Markdown is rendered (GitHub, VS Code's preview, our
 * panel): each `<` outside inline code gets a backslash, so no tag, comment or autolink starts.
 * A `<` the text already escaped is left alone (an extra backslash would escape the backslash and
 * let the tag through).
 */
export function escapeHtml(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === '`') {
      const run = /^`+/.exec(text.slice(i))![0];
      const close = text.indexOf(run, i + run.length);
      // A code span: kept as it is (HTML inside code is text); a lone backtick run is literal.
      const end = close >= 0 && text[close + run.length] !== '`' ? close + run.length : i + run.length;
      out += text.slice(i, end);
      i = end;
      continue;
    }
    if (ch === '<') {
      let slashes = 0;
      for (let j = i - 1; j >= 0 && text[j] === '\\'; j--) slashes++;
      out += slashes % 2 === 0 ? '\\<' : '<';
    } else {
      out += ch;
    }
    i++;
  }
  return out;
}

/** Escapes a value for one Markdown table cell (pipes, newlines, HTML). */
export function cell(value: string | number | null | undefined): string {
  if (value === null || value === undefined || value === '') return '—';
  return escapeHtml(String(value).replace(/\r?\n/g, ' ')).replace(/\|/g, '\\|').trim();
}

/** Renders a Markdown table. */
export function renderTable(header: string[], rows: (string | number | null | undefined)[][]): string {
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map((r) => line(r.map(cell)))].join('\n');
}

/** Splits a table row into cells, honouring escaped pipes. */
function splitRow(line: string): string[] {
  const inner = line.trim().replace(/^\|/, '').replace(/\|$/, '');
  const cells: string[] = [];
  let cur = '';
  for (let i = 0; i < inner.length; i++) {
    const ch = inner[i];
    if (ch === '\\' && (inner[i + 1] === '|' || inner[i + 1] === '<')) {
      cur += inner[i + 1];
      i++;
    } else if (ch === '|') {
      cells.push(cur.trim());
      cur = '';
    } else {
      cur += ch;
    }
  }
  cells.push(cur.trim());
  return cells.map((c) => (c === '—' ? '' : c));
}

/** Finds the first table whose header starts with `firstHeader` and returns its rows as records. */
export function parseTable(markdown: string, firstHeader: string): Record<string, string>[] | undefined {
  const lines = markdown.split(/\r?\n/);
  for (let i = 0; i < lines.length - 1; i++) {
    if (!lines[i].trim().startsWith('|')) continue;
    const header = splitRow(lines[i]);
    if (header[0]?.toLowerCase() !== firstHeader.toLowerCase()) continue;
    if (!/^\s*\|?\s*:?-{3,}/.test(lines[i + 1])) continue;
    const rows: Record<string, string>[] = [];
    for (let j = i + 2; j < lines.length && lines[j].trim().startsWith('|'); j++) {
      const cells = splitRow(lines[j]);
      const row: Record<string, string> = {};
      header.forEach((h, k) => (row[h.toLowerCase()] = cells[k] ?? ''));
      rows.push(row);
    }
    return rows;
  }
  return undefined;
}

/** A fenced code block found in Markdown. */
export interface FencedBlock {
  info: string;
  body: string;
  /** Index of the opening fence's first character, and one past the closing fence. */
  start: number;
  end: number;
}

/** Finds fenced code blocks (``` or ~~~, any length >= 3) with their positions. */
export function fencedBlocks(markdown: string): FencedBlock[] {
  const out: FencedBlock[] = [];
  const re = /^([ ]{0,3})(`{3,}|~{3,})[ \t]*([^\n`]*)\n/gm;
  let m: RegExpExecArray | null;
  while ((m = re.exec(markdown)) !== null) {
    const fence = m[2];
    const bodyStart = m.index + m[0].length;
    const close = new RegExp(`^[ ]{0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}[ \\t]*$`, 'm');
    const rest = markdown.slice(bodyStart);
    const c = close.exec(rest);
    const bodyEnd = c ? bodyStart + c.index : markdown.length;
    const end = c ? bodyStart + c.index + c[0].length : markdown.length;
    out.push({ info: m[3].trim(), body: markdown.slice(bodyStart, bodyEnd).replace(/\n$/, ''), start: m.index, end });
    re.lastIndex = end;
  }
  return out;
}

/** A section of a Markdown document: a heading and the text up to the next heading of its level or higher. */
export interface Section {
  level: number;
  title: string;
  /** Body without the heading line. */
  body: string;
}

/** Splits a document into its H1 title and its H2 sections (fences respected). */
export function splitSections(markdown: string): { title?: string; preamble: string; sections: Section[] } {
  const lines = markdown.split(/\r?\n/);
  let title: string | undefined;
  const preamble: string[] = [];
  const sections: Section[] = [];
  let current: { title: string; lines: string[] } | undefined;
  let fence: string | undefined;
  for (const line of lines) {
    const f = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (f) {
      if (!fence) fence = f[1][0];
      else if (f[1][0] === fence) fence = undefined;
    }
    const h = fence ? null : /^(#{1,2})\s+(.+?)\s*#*\s*$/.exec(line);
    if (h && h[1].length === 1 && title === undefined && !current) {
      title = h[2].trim();
      continue;
    }
    if (h && h[1].length === 2) {
      if (current) sections.push({ level: 2, title: current.title, body: current.lines.join('\n').trim() });
      current = { title: h[2].trim(), lines: [] };
      continue;
    }
    (current ? current.lines : preamble).push(line);
  }
  if (current) sections.push({ level: 2, title: current.title, body: current.lines.join('\n').trim() });
  return { title, preamble: preamble.join('\n').trim(), sections };
}

/** The body of the H2 section called `title`, or the whole text when there is no such section. */
export function sectionOrAll(markdown: string, title: string): string {
  const key = title.toLowerCase();
  return splitSections(markdown).sections.find((s) => headingKey(s.title) === key)?.body ?? markdown;
}

/** Normalises a heading for comparison ("1. Summary" and "summary" match "Summary"). */
export function headingKey(title: string): string {
  return title
    .replace(/^\s*\d+(\.\d+)*\.?\s+/, '')
    .replace(/[*_`]/g, '')
    .trim()
    .toLowerCase();
}

/** Shifts every ATX heading down by `by` levels (max H6), leaving fenced code alone. */
export function demoteHeadings(markdown: string, by: number): string {
  let fence: string | undefined;
  return markdown
    .split('\n')
    .map((line) => {
      const f = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
      if (f) {
        if (!fence) fence = f[1][0];
        else if (f[1][0] === fence) fence = undefined;
        return line;
      }
      if (fence) return line;
      const h = /^(#{1,6})(\s.*)$/.exec(line);
      return h ? '#'.repeat(Math.min(6, h[1].length + by)) + h[2] : line;
    })
    .join('\n');
}
