/** The generated ADR index, `adr/README.md`, and reading its links back for the "index lists every ADR" check. */
import type { AdrRecord } from '../model';
import { adrLink, adrStatusText, escapeInline } from './render';
import { adrNumberText } from './slug';

/** The table header (SPEC §3: id, title, status, date, links). */
const HEADER = '| ADR | Title | Status | Date | Requirements | Supersedes |';

/** A table cell's text: one line, with the characters that would end or format the cell escaped. */
function cell(text: string): string {
  return escapeInline(text) || '—';
}

/** The Markdown of `adr/README.md`: a title, a short explanation and one table row per ADR, by number. */
export function renderAdrIndex(records: readonly AdrRecord[]): string {
  const sorted = [...records].sort((a, b) => a.number - b.number);
  const rows = sorted.map((r) => {
    const supersedes =
      typeof r.supersedesNumber === 'number'
        ? adrLink(r.supersedesNumber, sorted, adrNumberText(r.supersedesNumber))
        : '—';
    const status = adrStatusText(r, sorted).replace(/\[ADR (\d+)\]/, '[$1]');
    return [
      adrLink(r.number, sorted, adrNumberText(r.number)),
      cell(r.title),
      status,
      cell(r.date),
      cell(r.requirements.join(', ')),
      supersedes,
    ];
  });
  return [
    '# Architecture Decision Records',
    '',
    'Each record explains one significant architecture decision: its context, the decision, its consequences',
    'and the alternatives that were considered. Archflow generates this index from the records in this folder.',
    'Numbers are stable: a decision keeps its number when the workflow runs again, and a superseded decision',
    'stays listed with a link to the one that replaces it.',
    '',
    HEADER,
    '| --- | --- | --- | --- | --- | --- |',
    ...rows.map((cells) => `| ${cells.join(' | ')} |`),
    '',
  ].join('\n');
}

/** The ADR file names (e.g. `0001-use-a-modular-monolith.md`, relative to adr/) an index links to, in order. */
export function parseAdrIndex(text: string): string[] {
  const out: string[] = [];
  const add = (target: string): void => {
    let name = target.trim().replace(/^<|>$/g, '').replace(/^\.\//, '');
    try {
      name = decodeURI(name);
    } catch {
      // Keep the raw target: a malformed escape is still a link someone wrote.
    }
    if (/^\d{4,}-[^/\\]+\.md$/i.test(name) && !out.includes(name)) out.push(name);
  };
  const firstLink = (text: string): string | undefined => /\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/.exec(text)?.[1];
  for (const line of text.replace(/\r\n?/g, '\n').split('\n')) {
    // A table row lists an ADR by the link in its first cell; links in other cells point at other ADRs.
    const row = /^\s*\|([^|]*)\|/.exec(line);
    const item = /^\s*[-*+]\s+(.*)$/.exec(line);
    const target = row ? firstLink(row[1]) : item ? firstLink(item[1]) : undefined;
    if (target !== undefined) add(target);
  }
  return out;
}
