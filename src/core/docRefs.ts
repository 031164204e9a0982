/**
 * References to a document and one of its sections, as findings cite their evidence and documents
 * cite each other: `03-service-architecture.md › Communication`.
 */
import { headingKey } from './markdown';

/** A document (path relative to the output folder) and, optionally, a section of it. */
export interface DocRef {
  file: string;
  section?: string;
}

/** The separators written between a file and its section: ›, », >, § or #. */
const SECTION_SEPARATOR = /\s*(?:›|»|>|§|#)\s*/;

/** Parses `file › Section` (or a bare file name); undefined when the text names no `.md` file first. */
export function parseDocRef(text: string): DocRef | undefined {
  const trimmed = text.trim().replace(/`/g, '');
  const m = /^([A-Za-z0-9._/-]+\.md)\b(.*)$/s.exec(trimmed);
  if (!m) return undefined;
  const rest = m[2].trim();
  if (rest === '') return { file: m[1] };
  const section = rest.replace(new RegExp(`^${SECTION_SEPARATOR.source}`), '').trim();
  return section ? { file: m[1], section } : { file: m[1] };
}

/** The references of a field that may hold several, separated by semicolons. */
export function splitRefs(text: string): string[] {
  return text
    .split(';')
    .map((s) => s.trim())
    .filter(Boolean);
}

/** The keys (`headingKey`) of every heading of levels 2 to 4 outside code fences. */
export function headingKeys(markdown: string): string[] {
  const keys: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split(/\r?\n/)) {
    const f = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (f) {
      if (!fence) fence = f[1][0];
      else if (f[1][0] === fence) fence = undefined;
      continue;
    }
    if (fence) continue;
    const h = /^#{2,4}\s+(.+?)\s*#*\s*$/.exec(line);
    if (h) keys.push(headingKey(h[1]));
  }
  return keys;
}

/**
 * Whether `markdown` has the section `section`: a heading (H2-H4) with that title, or one whose
 * title starts with it as whole words ("Network" names "Network and Security Groups").
 */
export function hasSection(markdown: string, section: string): boolean {
  const key = headingKey(section);
  if (key === '') return false;
  return headingKeys(markdown).some((h) => h === key || h.startsWith(`${key} `));
}
