/** The PRD's headings (H1-H3 outside code fences), cleaned into names, and how a heading is cited as a source. */
import type { Heading } from './facts';
import { plainText } from './text';

/** Cleans a heading into a display name and its section number. */
export function cleanHeading(raw: string): { name: string; number?: string } {
  let name = plainText(raw);
  let number: string | undefined;
  const num = /^(?:§\s*)?(\d+(?:\.\d+)*)\.?\s+(?=\S)/.exec(name);
  if (num) {
    number = num[1];
    name = name.slice(num[0].length);
  }
  // Status markers that are not part of a name: "(v1.1)", "(HIGH PRIORITY)", "COMPLETE".
  name = name
    .replace(
      /\((?:[^)]*\b(?:complete|completed|done|priority|optional|nice-to-have|when needed|draft|wip|todo|v\d[\w.]*|\d+%[^)]*))\)/gi,
      '',
    )
    .replace(/\b(?:COMPLETE|DONE|WIP|TODO)\b/g, '')
    .replace(/\s+/g, ' ')
    .replace(/^[\s\-–—:|.]+|[\s\-–—:|]+$/g, '')
    .trim();
  return number ? { name, number } : { name };
}

/** Parses H1-H3 headings outside fenced code blocks. */
export function parseHeadings(text: string): Heading[] {
  const out: Heading[] = [];
  let fence: string | undefined;
  const lines = text.split(/\r?\n/);
  lines.forEach((line, i) => {
    const f = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (f) {
      if (!fence) fence = f[1][0];
      else if (f[1][0] === fence) fence = undefined;
      return;
    }
    if (fence) return;
    const m = /^\s{0,3}(#{1,3})\s+(.+?)\s*#*\s*$/.exec(line);
    if (!m) return;
    const { name, number } = cleanHeading(m[2]);
    if (!name) return;
    out.push(number ? { level: m[1].length, name, number, line: i + 1 } : { level: m[1].length, name, line: i + 1 });
  });
  return out;
}

/** How a heading is cited: "PRD §6.1", else "PRD: <name>". */
export function featureSource(h: Heading): string {
  return h.number ? `PRD §${h.number}` : `PRD: ${h.name}`;
}
