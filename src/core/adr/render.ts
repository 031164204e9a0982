/** ADR files: MADR-style Markdown with YAML front matter, written by Archflow and read back from disk. */
import type { AdrRecord } from '../model';
import { normalizeAdrStatus, REQUIREMENT_ID_PATTERN } from './parse';
import { escapeHtml } from '../markdown';
import { adrNumberText } from './slug';

/** The fields every ADR file must carry (SPEC §5), in the order `parseAdrFile` reports them missing. */
export const REQUIRED_ADR_FIELDS = [
  'number',
  'title',
  'status',
  'date',
  'context',
  'decision',
  'consequences',
  'alternatives',
  'requirements',
] as const;
/** One of the required fields. */
export type RequiredAdrField = (typeof REQUIRED_ADR_FIELDS)[number];

/** Another ADR a record links to (for "Superseded by [ADR 0004](0004-….md)"). */
export type AdrLinkTarget = Pick<AdrRecord, 'number' | 'file'>;

/** The H2 sections of an ADR file, as written. */
const SECTIONS = {
  status: 'Status',
  context: 'Context',
  decision: 'Decision',
  consequences: 'Consequences',
  alternatives: 'Alternatives Considered',
  affected: 'Affected',
} as const;

/** Headings of hand-written (MADR) files that mean the same sections. */
const HEADING_ALIASES: Readonly<Record<string, keyof typeof SECTIONS>> = {
  status: 'status',
  context: 'context',
  'context and problem statement': 'context',
  decision: 'decision',
  'decision outcome': 'decision',
  consequences: 'consequences',
  'alternatives considered': 'alternatives',
  alternatives: 'alternatives',
  'considered options': 'alternatives',
  'options considered': 'alternatives',
  affected: 'affected',
};

/** A string as a YAML double-quoted scalar: JSON quoting (YAML accepts it), plus YAML's extra line breaks. */
export function yamlQuote(value: string): string {
  // Angle brackets and ampersands as escapes too: front matter shown as a table must hold no markup.
  return JSON.stringify(value).replace(
    /[\u007f-\u009f\u2028\u2029<>&]/g,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** A flow-list item: plain when it is a simple identifier YAML cannot misread, else quoted. */
function yamlItem(value: string): string {
  const plain = /^[A-Za-z][A-Za-z0-9_-]*$/.test(value) && !/^(y|n|yes|no|on|off|true|false|null)$/i.test(value);
  return plain ? value : yamlQuote(value);
}

/** The relative link from one ADR file to another (they share the adr/ folder). */
function linkTo(target: AdrLinkTarget): string {
  return target.file.slice(target.file.lastIndexOf('/') + 1);
}

/** "Accepted", or "Superseded by [ADR 0004](0004-….md)" when the successor's file is known. */
export function adrStatusText(record: AdrRecord, related: readonly AdrLinkTarget[] = []): string {
  const word = record.status.charAt(0).toUpperCase() + record.status.slice(1);
  const successor = record.supersededByNumber;
  if (record.status !== 'superseded' || successor === null || successor === undefined) return word;
  return `Superseded by ${adrLink(successor, related)}`;
}

/** "[ADR 0004](0004-….md)", or "ADR 0004" when its file is not known. */
export function adrLink(
  number: number,
  related: readonly AdrLinkTarget[],
  label = `ADR ${adrNumberText(number)}`,
): string {
  const target = related.find((r) => r.number === number);
  return target ? `[${label}](${linkTo(target)})` : label;
}

/** "Cold starts hurt" → "cold starts hurt" after "because"; acronyms ("GDPR requires") stay. */
function lowerFirst(text: string): string {
  return /^[A-Z][a-z]/.test(text) ? text.charAt(0).toLowerCase() + text.slice(1) : text;
}

/** One line of model text for a list item or table cell. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Escapes Markdown emphasis and link characters in inline text that is not meant to format. */
export function escapeInline(text: string): string {
  return oneLine(text).replace(/[\\`*_[\]<>|]/g, '\\$&');
}

function unescapeInline(text: string): string {
  return text.replace(/\\([\\`*_[\]<>|])/g, '$1');
}

/**
 * The code fence open after `line`, given the one open before it (CommonMark: a fence closes with the same
 * character, at least as long, and nothing after it). Undefined when no fence is open.
 */
function nextFence(line: string, open: string | undefined): string | undefined {
  const m = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
  if (!m) return open;
  if (open === undefined) return m[1][0] === '`' && m[2].includes('`') ? undefined : m[1];
  return m[1][0] === open[0] && m[1].length >= open.length && m[2].trim() === '' ? undefined : open;
}

/**
 * Model Markdown for a section body, kept as written except that H1/H2 headings outside code fences become
 * H3 (an H2 would end the section for every reader, ours included, and make a field look missing), and a
 * fence left open is closed (it would swallow the rest of the file).
 */
function sectionBody(text: string): string {
  let fence: string | undefined;
  const lines = text
    .replace(/\r\n?/g, '\n')
    .trim()
    .split('\n')
    .map((line) => {
      const inside = fence !== undefined;
      fence = nextFence(line, fence);
      return inside || fence !== undefined ? line : line.replace(/^( {0,3})#{1,2}(?=\s|$)/, '$1###');
    });
  if (fence !== undefined) lines.push(fence);
  return lines.join('\n');
}

/** The Markdown of an ADR file; `related` gives the files of ADRs it links to (supersede links). */
export function renderAdr(record: AdrRecord, related: readonly AdrLinkTarget[] = []): string {
  const num = (n: number | null | undefined): string => (typeof n === 'number' ? String(n) : 'null');
  const list = (items: readonly string[]): string => `[${items.map(yamlItem).join(', ')}]`;
  const date = /^\d{4}-\d{2}-\d{2}$/.test(record.date) ? record.date : yamlQuote(record.date);
  const front = [
    '---',
    `number: ${record.number}`,
    `title: ${yamlQuote(oneLine(record.title))}`,
    `status: ${yamlItem(record.status)}`,
    `date: ${date}`,
    `requirements: ${list(record.requirements)}`,
    `elements: ${list(record.elements)}`,
    `supersedes: ${num(record.supersedesNumber)}`,
    `superseded-by: ${num(record.supersededByNumber)}`,
    `archflow-key: ${yamlItem(record.key)}`,
    '---',
  ];
  const status = [adrStatusText(record, related)];
  if (typeof record.supersedesNumber === 'number') {
    status.push('', `Supersedes ${adrLink(record.supersedesNumber, related)}.`);
  }
  const body = [
    `# ${adrNumberText(record.number)}. ${escapeHtml(oneLine(record.title))}`,
    '',
    `## ${SECTIONS.status}`,
    '',
    ...status,
    '',
    `## ${SECTIONS.context}`,
    '',
    sectionBody(record.context),
    '',
    `## ${SECTIONS.decision}`,
    '',
    sectionBody(record.decision),
    '',
    `## ${SECTIONS.consequences}`,
    '',
    ...record.consequences.positive.map((c) => `- Good: ${escapeHtml(oneLine(c))}`),
    ...record.consequences.negative.map((c) => `- Bad: ${escapeHtml(oneLine(c))}`),
    '',
    `## ${SECTIONS.alternatives}`,
    '',
    ...record.alternatives.map(
      (a) => `- **${escapeInline(a.option)}** — rejected because ${escapeHtml(lowerFirst(oneLine(a.rejectedBecause)))}`,
    ),
    '',
    `## ${SECTIONS.affected}`,
    '',
    `- Requirements: ${record.requirements.length ? record.requirements.join(', ') : 'none'}`,
    `- C4 elements: ${record.elements.length ? record.elements.map((e) => `\`${e.replace(/`/g, '')}\``).join(', ') : 'none'}`,
  ];
  return `${[...front, ...body].join('\n')}\n`;
}

/** A scalar or list of the minimal YAML we read back (what we write, and common hand edits). */
type YamlValue = string | number | null | YamlValue[];

function yamlScalar(raw: string): YamlValue {
  const s = raw.trim();
  if (s === '' || s === '~' || s === 'null' || s === 'Null' || s === 'NULL') return null;
  if (s.startsWith('"')) {
    try {
      return JSON.parse(s) as string;
    } catch {
      return s.replace(/^"|"$/g, '');
    }
  }
  if (s.startsWith("'")) return s.replace(/^'|'$/g, '').replace(/''/g, "'");
  if (/^-?\d+$/.test(s)) return Number(s);
  return s.replace(/\s+#.*$/, '');
}

function yamlFlowList(raw: string): YamlValue[] {
  const inner = raw.trim().replace(/^\[|\]$/g, '');
  const items = inner.match(/"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^,]+/g) ?? [];
  return items.map((i) => yamlScalar(i)).filter((v) => v !== null);
}

/** Reads `key: value` lines, flow lists `[a, b]` and block lists (`- a`) of a front matter block. */
function parseFrontMatter(lines: string[]): Map<string, YamlValue> {
  const out = new Map<string, YamlValue>();
  let listKey: string | undefined;
  for (const line of lines) {
    const item = /^\s+-\s+(.*)$/.exec(line) ?? /^-\s+(.*)$/.exec(line);
    if (item && listKey !== undefined) {
      const list = out.get(listKey);
      if (Array.isArray(list)) list.push(yamlScalar(item[1]));
      continue;
    }
    const m = /^([A-Za-z][\w-]*)\s*:(.*)$/.exec(line);
    if (!m) continue;
    const key = m[1].toLowerCase();
    const value = m[2].trim();
    if (value === '') {
      out.set(key, []);
      listKey = key;
    } else {
      out.set(key, value.startsWith('[') ? yamlFlowList(value) : yamlScalar(value));
      listKey = undefined;
    }
  }
  return out;
}

/** A list from front matter: a YAML list, or a comma-separated string. */
function asList(value: YamlValue | undefined): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const items = Array.isArray(value) ? value : String(value).split(',');
  return items
    .filter((v) => v !== null && !Array.isArray(v))
    .map((v) => String(v).trim().replace(/^`|`$/g, ''))
    .filter((v) => v !== '');
}

function asText(value: YamlValue | undefined): string | undefined {
  if (value === undefined || value === null || Array.isArray(value)) return undefined;
  const s = String(value).trim();
  return s === '' ? undefined : s;
}

function asNumber(value: YamlValue | undefined): number | undefined {
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 ? value : undefined;
  if (typeof value === 'string' && /^\d+$/.test(value.trim())) return Number(value.trim()) || undefined;
  return undefined;
}

/** Splits the body into its H1 and H2 sections (headings inside code fences do not count). */
function splitSections(lines: string[]): { h1?: string; sections: Map<keyof typeof SECTIONS, string> } {
  const sections = new Map<keyof typeof SECTIONS, string>();
  let h1: string | undefined;
  let current: keyof typeof SECTIONS | undefined;
  let buffer: string[] = [];
  let fence: string | undefined;
  const flush = (): void => {
    if (current !== undefined && !sections.has(current)) sections.set(current, buffer.join('\n').trim());
    buffer = [];
  };
  for (const line of lines) {
    const before = fence;
    fence = nextFence(line, fence);
    if (before === undefined && fence === undefined) {
      const h = /^ {0,3}(#{1,2})\s+(.*?)\s*#*\s*$/.exec(line);
      if (h && h[1] === '#' && h1 === undefined) {
        h1 = h[2];
        continue;
      }
      if (h && h[1] === '##') {
        flush();
        const name = h[2]
          .toLowerCase()
          .replace(/[:.]+$/, '')
          .trim();
        current = HEADING_ALIASES[name];
        continue;
      }
    }
    buffer.push(line);
  }
  flush();
  return { h1, sections };
}

/** The text after "- " of each list item in a section. */
function bullets(text: string): string[] {
  return text
    .split('\n')
    .map((l) => /^\s*[-*+]\s+(.*)$/.exec(l)?.[1]?.trim())
    .filter((l): l is string => l !== undefined && l !== '');
}

/**
 * Reads an ADR file back (front matter first, the body's sections and the file name as fallbacks), so the
 * exit criteria can check files people edited by hand. `missing` lists the required fields that are absent
 * or empty (REQUIRED_ADR_FIELDS); `record` holds whatever could be read.
 */
export function parseAdrFile(text: string, file: string): { record?: Partial<AdrRecord>; missing: string[] } {
  const lines = text
    .replace(/^\uFEFF/, '')
    .replace(/\r\n?/g, '\n')
    .split('\n');
  let front = new Map<string, YamlValue>();
  let bodyStart = 0;
  if (lines[0]?.trim() === '---') {
    const end = lines.findIndex((l, i) => i > 0 && (l.trim() === '---' || l.trim() === '...'));
    if (end > 0) {
      front = parseFrontMatter(lines.slice(1, end));
      bodyStart = end + 1;
    }
  }
  const { h1, sections } = splitSections(lines.slice(bodyStart));
  const record: Partial<AdrRecord> = { file };

  const fileNumber = /(?:^|\/)(\d{1,6})-[^/]*$/.exec(file)?.[1];
  const h1Match = h1 !== undefined ? /^(?:ADR[- ]?)?(\d+)[.:]?\s+(.*)$/i.exec(h1) : null;
  record.number = asNumber(front.get('number')) ?? asNumber(h1Match?.[1]) ?? asNumber(fileNumber);
  const heading = h1Match ? h1Match[2].trim() : h1?.trim();
  record.title = asText(front.get('title')) ?? heading?.replace(/\\</g, '<') ?? undefined;
  if (record.title === '') record.title = undefined;

  const statusSection = sections.get('status');
  const statusText = asText(front.get('status')) ?? statusSection?.split('\n').find((l) => l.trim() !== '');
  record.status = statusText !== undefined ? normalizeAdrStatus(statusText) : undefined;
  record.date = asText(front.get('date'));
  record.key = asText(front.get('archflow-key'));
  record.supersedesNumber = asNumber(front.get('supersedes')) ?? null;
  const successorInText = statusText ? /superseded by\D*(\d+)/i.exec(statusText)?.[1] : undefined;
  record.supersededByNumber = asNumber(front.get('superseded-by')) ?? asNumber(successorInText) ?? null;

  record.context = sections.get('context') || undefined;
  record.decision = sections.get('decision') || undefined;

  const consequences = sections.get('consequences');
  if (consequences) {
    const items = bullets(consequences);
    const strip = (s: string): string => s.replace(/^\w+\s*[:,]\s*(?:because\s+)?/i, '').trim();
    record.consequences = {
      positive: items.filter((i) => /^(good|pro|positive)\b/i.test(i)).map(strip),
      negative: items.filter((i) => /^(bad|con|negative)\b/i.test(i)).map(strip),
    };
  }

  const alternatives = sections.get('alternatives');
  if (alternatives) {
    record.alternatives = bullets(alternatives).map((item) => {
      const m = /^\*\*((?:\\.|[^\\])+?)\*\*(?!\*)\s*(?:[—–:-]\s*)?(?:rejected because\s+)?(.*)$/i.exec(item);
      if (m) return { option: unescapeInline(m[1]), rejectedBecause: m[2].trim() };
      const plain = /^(.+?)\s+[—–]\s+(?:rejected because\s+)?(.*)$/i.exec(item);
      return plain ? { option: plain[1], rejectedBecause: plain[2].trim() } : { option: item, rejectedBecause: '' };
    });
  }

  const affected = bullets(sections.get('affected') ?? '');
  const affectedList = (label: RegExp): string[] | undefined => {
    const line = affected.find((l) => label.test(l));
    return line === undefined ? undefined : asList(line.replace(label, ''));
  };
  const requirements = asList(front.get('requirements')) ?? affectedList(/^requirements\s*:\s*/i) ?? [];
  record.requirements = requirements.map((r) => r.toUpperCase()).filter((r) => REQUIREMENT_ID_PATTERN.test(r));
  const elements = asList(front.get('elements')) ?? affectedList(/^c4 elements\s*:\s*/i) ?? [];
  record.elements = elements.filter((e) => e.toLowerCase() !== 'none');

  const missing: RequiredAdrField[] = [];
  if (record.number === undefined) missing.push('number');
  if (!record.title) missing.push('title');
  if (!record.status) missing.push('status');
  if (!record.date) missing.push('date');
  if (!record.context) missing.push('context');
  if (!record.decision) missing.push('decision');
  if (!consequences) missing.push('consequences');
  if (!alternatives) missing.push('alternatives');
  if (record.requirements.length === 0) missing.push('requirements');
  return { record, missing };
}

/**
 * An ADR file from an earlier run marked as superseded by `successor` (front matter and Status
 * section), everything else kept as it is: a decision the new run left out still links forward.
 */
export function markSuperseded(text: string, successor: AdrLinkTarget, related: readonly AdrLinkTarget[] = []): string {
  const link = adrLink(successor.number, [successor, ...related]);
  return text
    .replace(/^status:.*$/m, 'status: superseded')
    .replace(/^superseded-by:.*$/m, `superseded-by: ${successor.number}`)
    .replace(/^(## Status)[ \t]*\n([\s\S]*?)(?=^## )/m, (_m, head: string, body: string) => {
      const keep = body
        .split('\n')
        .filter((line) => /^Supersedes /.test(line))
        .join('\n');
      return `${head}\n\nSuperseded by ${link}\n${keep ? `\n${keep}\n` : ''}\n`;
    });
}
