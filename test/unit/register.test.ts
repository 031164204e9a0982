/** Register ids: each design step adds its own, from its own range, in one structured place; code finds every definition. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  inRange,
  mentionedRegisterIds,
  parseAdditionsJson,
  parseAdditionsSection,
  registerDefinitions,
  renderAdditions,
  renderRegister,
} from '../../src/core/register';
import { parseStepOutput, renderStepDocument } from '../../src/core/stepOutput';
import { ADDITIONS_SECTION, STEPS, stepById } from '../../src/core/steps';

const additions = {
  assumptions: [{ id: 'A-401', statement: 'Orders grow 20% a year', question: 'How fast?', affects: ['NFR-2'] }],
  risks: [
    {
      id: 'R-401',
      description: 'Restore untested',
      likelihood: 'medium',
      impact: 'high',
      response: 'Drills',
      affects: [],
    },
  ],
  questions: [{ id: 'Q-401', question: 'Keep carts?', blocks: 'Retention', default: '30 days' }],
};

test('the ranges of the steps never overlap, so parallel or separate runs cannot collide', () => {
  const ranges = STEPS.filter((s) => s.ids).map((s) => s.ids!);
  for (const [i, a] of ranges.entries()) {
    assert.ok(a.from <= a.to);
    for (const b of ranges.slice(i + 1)) assert.ok(a.to < b.from || b.to < a.from, JSON.stringify([a, b]));
  }
  // Every step that adds to the register has a range; the inventory numbers from 1.
  for (const s of STEPS.filter((x) => x.blocks.includes('additions'))) assert.ok(s.ids, `step ${s.id}`);
  assert.equal(stepById(1).ids?.from, 1);
});

test('an additions block takes ids of its kind from the step range only, each once', () => {
  const ok = parseAdditionsJson(JSON.stringify(additions), 4);
  assert.deepEqual(ok.errors, []);
  assert.deepEqual(
    ok.additions.map((a) => [a.id, a.kind, a.step]),
    [
      ['A-401', 'assumption', 4],
      ['R-401', 'risk', 4],
      ['Q-401', 'question', 4],
    ],
  );
  const wrong = parseAdditionsJson(
    JSON.stringify({
      assumptions: [
        { id: 'A-24', statement: 's', question: 'q' },
        { id: 'R-402', statement: 's', question: 'q' },
        { id: 'A-402', statement: 's' },
        { id: 'A-403', statement: 's', question: 'q' },
        { id: 'A-403', statement: 't', question: 'q' },
      ],
    }),
    4,
  );
  assert.deepEqual(wrong.errors, [
    'assumption "A-24": the id is outside this step\'s range (A-401 … A-499).',
    'assumption "R-402": the id must look like A-<n>.',
    'assumption "A-402": "question" is missing.',
    'assumption "A-403" is defined twice; every id must be unique.',
  ]);
  assert.deepEqual(parseAdditionsJson('{}', 4), { additions: [], errors: [] });
  assert.match(parseAdditionsJson('[]', 4).errors[0], /must contain one JSON object/);
  assert.equal(inRange(5, 'A-501'), true);
  assert.equal(inRange(5, 'A-401'), false);
});

test('additions render as tables that read back, and merge across steps ordered by id', () => {
  const four = parseAdditionsJson(JSON.stringify(additions), 4).additions;
  const doc = `# D\n\n## ${ADDITIONS_SECTION}\n\n${renderAdditions(four)}\n`;
  assert.deepEqual(parseAdditionsSection(doc, 4), four);
  assert.match(renderAdditions([]), /adds no assumptions, risks or open questions/);
  const three = parseAdditionsJson(
    JSON.stringify({ assumptions: [{ id: 'A-301', statement: 's', question: 'q' }] }),
    3,
  );
  const merged = renderRegister([...four, ...three.additions])!;
  assert.ok(merged.indexOf('A-301') < merged.indexOf('A-401'), 'ordered by id');
  assert.match(merged, /\| A-401 \| Orders grow 20% a year \| How fast\? \| NFR-2 \| 04-data-architecture\.md \|/);
  assert.equal(renderRegister([]), undefined);
});

test('definitions are found in tables headed by a kind and, in the inventory, in lists', () => {
  const text = [
    '| Assumption (`A-n`) | Statement |',
    '|---|---|',
    '| A-1 | Load is small |',
    '| **A-2** | Team of four |',
    '',
    '| Element | Control |',
    '|---|---|',
    '| A-3 | cited, not defined |',
    '',
    '- C-1: Runs on the existing cloud',
    '- **Q-1** — Which region?',
    '- G-9 is cited in a sentence',
    '```',
    '| Risk |',
    '|---|',
    '| R-9 |',
    '```',
  ].join('\n');
  assert.deepEqual(
    registerDefinitions(text, 'x.md', true).map((d) => [d.id, d.line]),
    [
      ['A-1', 3],
      ['A-2', 4],
      ['C-1', 10],
      ['Q-1', 11],
    ],
  );
  assert.deepEqual(
    registerDefinitions(text, 'x.md', false).map((d) => d.id),
    ['A-1', 'A-2'],
  );
  assert.deepEqual(mentionedRegisterIds('A-1, NFR-2, SEC-3, QAS-1, R-2 and FR-1; G-3.'), ['A-1', 'R-2', 'G-3']);
});

test('a design step that defines ids outside its block is warned; one citing an undefined assumption is refused', () => {
  const part = {
    containers: [
      {
        id: 'api',
        system: 'shop',
        name: 'API',
        technology: 'Go 1.23',
        description: '',
        kind: 'service',
        assumption: 'A-399',
      },
    ],
    relationships: [{ from: 'customer', to: 'api', label: 'Uses' }],
  };
  const c4 = {
    people: [{ id: 'customer', name: 'C', description: '', external: true }],
    systems: [{ id: 'shop', name: 'Shop', description: '', external: false }],
    containers: [],
    components: [{ id: 'x', container: 'api', name: 'X', technology: '', description: '' }],
    relationships: [],
  };
  const sections = stepById(3).sections.map((s) => {
    if (s === 'Container View')
      return `## ${s}\n\n\`\`\`archflow-c4\n${JSON.stringify({ ...part, components: c4.components })}\n\`\`\``;
    if (s === ADDITIONS_SECTION) return `## ${s}\n\n\`\`\`archflow-additions\n{}\n\`\`\``;
    if (s === 'Summary') return `## ${s}\n\n| Assumption | Statement |\n|---|---|\n| A-19 | The backend exists |`;
    return `## ${s}\n\nText.`;
  });
  const text = `# Service Architecture\n\n${sections.join('\n\n')}\n`;
  const refused = parseStepOutput(3, text, { c4: { ...c4, components: [] } });
  assert.deepEqual(refused.errors, [
    'container "api" rests on assumption "A-399", which no document defines; define it in the archflow-additions block.',
  ]);
  const defined = text.replace(
    '```archflow-additions\n{}',
    '```archflow-additions\n{"assumptions": [{"id": "A-399", "statement": "Go fits the team", "question": "Which language does the team use?"}]}',
  );
  const r = parseStepOutput(3, defined, { c4: { ...c4, components: [] } });
  assert.deepEqual(r.errors, []);
  assert.match(r.parsed!.warnings.join(' '), /defines A-19 outside its archflow-additions block/);
  assert.match(renderStepDocument(r.parsed!), /\| A-399 \| Go fits the team \|/);
});
