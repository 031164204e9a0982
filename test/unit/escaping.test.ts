/**
 * Model text that code places into headings, tables and front matter stays inert HTML wherever the
 * Markdown is rendered: checked with markdown-it with raw HTML *on*, as VS Code's preview renders.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import markdownIt from 'markdown-it';
import { parseAdrFile, renderAdr } from '../../src/core/adr/render';
import { renderFindings } from '../../src/core/findings';
import { cell, escapeHtml, parseTable, renderTable } from '../../src/core/markdown';
import type { AdrRecord } from '../../src/core/model';

const md = markdownIt({ html: true });
const HOSTILE = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(2)>',
  '<!-- c -->',
  '<a href="javascript:x">y</a>',
];

/** No element a model's text could inject appears in the rendered HTML. */
function assertInert(markdown: string): void {
  const html = md.render(markdown);
  assert.doesNotMatch(html, /<(script|img|a|iframe)\b/i, html);
  assert.doesNotMatch(html, /<!--/, html);
}

test('escapeHtml escapes every < outside code spans, once', () => {
  assert.equal(escapeHtml('<b>x</b>'), '\\<b>x\\</b>');
  assert.equal(escapeHtml('`List<T>` and <i>'), '`List<T>` and \\<i>');
  assert.equal(escapeHtml('already \\<b> escaped'), 'already \\<b> escaped');
  // An escaped backslash before "<" would let the tag through: the "<" still gets its own.
  assert.equal(escapeHtml('\\\\<b>'), '\\\\\\<b>');
  assert.equal(escapeHtml('a ``b<c`` d <e'), 'a ``b<c`` d \\<e');
  assert.equal(escapeHtml('a ` b <c'), 'a ` b \\<c');
});

test('table cells keep the text, lose the markup, and read back unchanged', () => {
  const rows = HOSTILE.map((h, i) => [`SEC-${i + 1}`, h, 'a | b']);
  const table = renderTable(['ID', 'Title', 'Note'], rows);
  assertInert(table);
  const back = parseTable(table, 'ID')!;
  assert.deepEqual(
    back.map((r) => [r['id'], r['title'], r['note']]),
    rows,
  );
  assert.equal(cell('x <y>'), 'x \\<y>');
  assertInert(
    renderFindings({
      verdict: 'fail',
      findings: [
        {
          id: 'SEC-1',
          severity: 'high',
          title: HOSTILE[0],
          element: null,
          recommendation: HOSTILE[1],
          status: 'open',
          steps: [3],
          requirements: [],
        },
      ],
    }),
  );
});

test('an ADR with a hostile title and texts renders inert, and its title reads back as written', () => {
  const record: AdrRecord = {
    key: 'hostile',
    title: `Use ${HOSTILE[1]} & ${HOSTILE[0]}`,
    status: 'accepted',
    context: 'Context',
    decision: 'We will',
    consequences: { positive: [HOSTILE[0]], negative: [HOSTILE[1]] },
    alternatives: [{ option: HOSTILE[3], rejectedBecause: HOSTILE[2] }],
    requirements: ['FR-1'],
    elements: ['api`<img src=x onerror=1>`'],
    number: 1,
    date: '2026-12-02',
    file: 'adr/0001-hostile.md',
  };
  const text = renderAdr(record);
  const front = text.slice(0, text.indexOf('\n---\n', 4));
  assert.doesNotMatch(front, /[<>]/, 'front matter holds no angle bracket');
  assertInert(text.slice(front.length + 5));
  const back = parseAdrFile(text, record.file);
  assert.equal(back.record!.title, record.title);
  // Without front matter, the H1 gives the same title back.
  assert.equal(parseAdrFile(text.slice(front.length + 5), record.file).record!.title, record.title);
});
