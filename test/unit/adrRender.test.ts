import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { parseAdrFile, renderAdr } from '../../src/core/adr/render';
import { parseAdrIndex, renderAdrIndex } from '../../src/core/adr/index';
import type { AdrRecord } from '../../src/core/model';

function record(extra: Partial<AdrRecord> = {}): AdrRecord {
  return {
    key: 'architecture-style',
    title: 'Use a modular monolith',
    status: 'accepted',
    context: 'NFR-1 needs p95 < 200 ms.\n\nThe team has four engineers.',
    decision: 'We will build one deployable.',
    consequences: { positive: ['One deployable'], negative: ['Modules share one database'] },
    alternatives: [{ option: 'Microservices', rejectedBecause: 'operational cost exceeds NFR-7' }],
    requirements: ['NFR-1', 'FR-3'],
    elements: ['shopApi'],
    supersedes: null,
    supersededBy: null,
    number: 1,
    date: '2026-11-24',
    file: 'adr/0001-use-a-modular-monolith.md',
    supersedesNumber: null,
    supersededByNumber: null,
    ...extra,
  };
}

/** The fields parseAdrFile reads back, to compare with what was rendered. */
function readable(r: AdrRecord): Partial<AdrRecord> {
  return {
    file: r.file,
    number: r.number,
    title: r.title,
    status: r.status,
    date: r.date,
    key: r.key,
    supersedesNumber: r.supersedesNumber ?? null,
    supersededByNumber: r.supersededByNumber ?? null,
    context: r.context,
    decision: r.decision,
    consequences: r.consequences,
    alternatives: r.alternatives,
    requirements: r.requirements,
    elements: r.elements,
  };
}

void describe('renderAdr', () => {
  void it('writes MADR-style Markdown with front matter', () => {
    assert.equal(
      renderAdr(record()),
      [
        '---',
        'number: 1',
        'title: "Use a modular monolith"',
        'status: accepted',
        'date: 2026-11-24',
        'requirements: [NFR-1, FR-3]',
        'elements: [shopApi]',
        'supersedes: null',
        'superseded-by: null',
        'archflow-key: architecture-style',
        '---',
        '# 0001. Use a modular monolith',
        '',
        '## Status',
        '',
        'Accepted',
        '',
        '## Context',
        '',
        'NFR-1 needs p95 < 200 ms.',
        '',
        'The team has four engineers.',
        '',
        '## Decision',
        '',
        'We will build one deployable.',
        '',
        '## Consequences',
        '',
        '- Good: One deployable',
        '- Bad: Modules share one database',
        '',
        '## Alternatives Considered',
        '',
        '- **Microservices** — rejected because operational cost exceeds NFR-7',
        '',
        '## Affected',
        '',
        '- Requirements: NFR-1, FR-3',
        '- C4 elements: `shopApi`',
        '',
      ].join('\n'),
    );
  });

  void it('links a superseded ADR to its successor and a successor to its predecessor', () => {
    const old = record({
      status: 'superseded',
      supersededBy: 'new-style',
      supersededByNumber: 4,
    });
    const neu = record({
      number: 4,
      key: 'new-style',
      file: 'adr/0004-use-cells.md',
      supersedes: 'architecture-style',
      supersedesNumber: 1,
    });
    const oldText = renderAdr(old, [old, neu]);
    assert.match(oldText, /^status: superseded$/m);
    assert.match(oldText, /^superseded-by: 4$/m);
    assert.match(oldText, /^## Status\n\nSuperseded by \[ADR 0004\]\(0004-use-cells\.md\)\n/m);
    const newText = renderAdr(neu, [old, neu]);
    assert.match(newText, /^supersedes: 1$/m);
    assert.match(newText, /^Supersedes \[ADR 0001\]\(0001-use-a-modular-monolith\.md\)\.$/m);
    // Without the related files the link degrades to text.
    assert.match(renderAdr(old), /^Superseded by ADR 0004$/m);
  });

  void it('keeps hostile model text out of the front matter and the section structure', () => {
    const r = record({
      title: 'Evil "title"\n---\nstatus: accepted # \u0085',
      context: '## Decision\nfake decision\n---\n# Also fake',
      decision: 'Real.\n```\n## kept in code\n```',
      alternatives: [{ option: '**Bold** | pipe', rejectedBecause: 'no' }],
    });
    const text = renderAdr(r);
    const front = text.split('\n---\n')[0];
    assert.equal(front.split('\n').length, 10, 'front matter lines are not multiplied');
    assert.match(text, /^title: "Evil \\"title\\" --- status: accepted # \\u0085"$/m);
    assert.match(text, /^### Decision$/m);
    assert.match(text, /^## kept in code$/m);
    const { record: back, missing } = parseAdrFile(text, r.file);
    assert.deepEqual(missing, []);
    assert.equal(back?.title, 'Evil "title" --- status: accepted # \u0085');
    assert.equal(back?.decision, r.decision);
    assert.equal(back?.context, '### Decision\nfake decision\n---\n### Also fake');
    assert.deepEqual(back?.alternatives, r.alternatives);
  });
});

void describe('parseAdrFile', () => {
  void it('reads back what renderAdr wrote', () => {
    for (const r of [
      record(),
      record({ status: 'superseded', supersededBy: 'x', supersededByNumber: 7, elements: [] }),
      record({ number: 12, title: '데이터베이스 선택', file: 'adr/0012-decision.md', supersedesNumber: 3 }),
    ]) {
      const { record: back, missing } = parseAdrFile(renderAdr(r), r.file);
      assert.deepEqual(missing, []);
      assert.deepEqual(back, readable(r));
    }
  });

  void it('closes a code fence the model left open, so it cannot swallow the following sections', () => {
    const r = record({ context: 'Before\n~~~text\n## inside', decision: 'Decided.' });
    const text = renderAdr(r);
    assert.match(text, /## inside\n~~~\n\n## Decision/);
    const { record: back, missing } = parseAdrFile(text, r.file);
    assert.deepEqual(missing, []);
    assert.equal(back?.decision, 'Decided.');
  });

  void it('reports a removed section and an emptied field as missing', () => {
    const text = renderAdr(record());
    const withoutAlternatives = text.replace(/## Alternatives Considered\n[\s\S]*?(?=## Affected)/, '');
    assert.deepEqual(parseAdrFile(withoutAlternatives, 'adr/0001-x.md').missing, ['alternatives']);
    const emptied = text.replace('We will build one deployable.', '').replace('date: 2026-11-24', 'date:');
    assert.deepEqual(parseAdrFile(emptied, 'adr/0001-x.md').missing, ['date', 'decision']);
    const noRequirements = text
      .replace('requirements: [NFR-1, FR-3]', 'requirements: []')
      .replace(/- Requirements: .*/, '');
    assert.deepEqual(parseAdrFile(noRequirements, 'adr/0001-x.md').missing, ['requirements']);
  });

  void it('lists everything missing in an empty file, and takes the number from the file name', () => {
    const { record: back, missing } = parseAdrFile('', 'adr/0007-x.md');
    assert.equal(back?.number, 7);
    assert.deepEqual(missing, [
      'title',
      'status',
      'date',
      'context',
      'decision',
      'consequences',
      'alternatives',
      'requirements',
    ]);
  });

  void it('reads a hand-written MADR file with block lists and MADR headings', () => {
    const text = [
      '---',
      "title: 'Use Kafka for events'",
      'status: Proposed',
      'date: 2026-12-01',
      'requirements:',
      '  - NFR-2',
      '  - fr-4',
      '---',
      '',
      '# Use Kafka for events',
      '',
      '## Context and Problem Statement',
      '',
      'We need durable events.',
      '',
      '## Considered Options',
      '',
      '* RabbitMQ',
      '* Kafka',
      '',
      '## Decision Outcome',
      '',
      'Chosen option: Kafka.',
      '',
      '### Consequences',
      '',
      '* Good, because replay',
      '',
      '## Consequences',
      '',
      '* Good, because replay',
      '* Bad, because operations',
    ].join('\n');
    const { record: back, missing } = parseAdrFile(text, 'adr/0003-use-kafka-for-events.md');
    assert.deepEqual(missing, []);
    assert.equal(back?.number, 3);
    assert.equal(back?.title, 'Use Kafka for events');
    assert.equal(back?.status, 'proposed');
    assert.deepEqual(back?.requirements, ['NFR-2', 'FR-4']);
    assert.deepEqual(back?.consequences, { positive: ['replay'], negative: ['operations'] });
    assert.deepEqual(back?.alternatives, [
      { option: 'RabbitMQ', rejectedBecause: '' },
      { option: 'Kafka', rejectedBecause: '' },
    ]);
  });
});

void describe('ADR index', () => {
  const records = [
    record({ number: 2, key: 'db', title: 'Use PostgreSQL | not Mongo', file: 'adr/0002-use-postgresql-not-mongo.md' }),
    record({ status: 'superseded', supersededBy: 'cells', supersededByNumber: 3 }),
    record({
      number: 3,
      key: 'cells',
      title: 'Use cells',
      file: 'adr/0003-use-cells.md',
      supersedes: 'architecture-style',
      supersedesNumber: 1,
    }),
  ];

  void it('renders a table sorted by number with relative links', () => {
    const text = renderAdrIndex(records);
    assert.match(text, /^# Architecture Decision Records\n\n\S/);
    const rows = text.split('\n').filter((l) => l.startsWith('| ['));
    assert.deepEqual(rows, [
      '| [0001](0001-use-a-modular-monolith.md) | Use a modular monolith | Superseded by [0003](0003-use-cells.md) | 2026-11-24 | NFR-1, FR-3 | — |',
      '| [0002](0002-use-postgresql-not-mongo.md) | Use PostgreSQL \\| not Mongo | Accepted | 2026-11-24 | NFR-1, FR-3 | — |',
      '| [0003](0003-use-cells.md) | Use cells | Accepted | 2026-11-24 | NFR-1, FR-3 | [0001](0001-use-a-modular-monolith.md) |',
    ]);
    assert.ok(text.includes('| ADR | Title | Status | Date | Requirements | Supersedes |'));
  });

  void it('reads back every listed file, once, from the first column', () => {
    assert.deepEqual(parseAdrIndex(renderAdrIndex(records)), [
      '0001-use-a-modular-monolith.md',
      '0002-use-postgresql-not-mongo.md',
      '0003-use-cells.md',
    ]);
  });

  void it('does not count a link that only appears in another column, and reads list-style indexes', () => {
    const text = renderAdrIndex(records).replace(/^\| \[0003\].*$/m, '');
    assert.deepEqual(parseAdrIndex(text), ['0001-use-a-modular-monolith.md', '0002-use-postgresql-not-mongo.md']);
    assert.deepEqual(parseAdrIndex('# ADRs\n\n- [ADR 1](./0001-a.md)\n- [Other](https://example.com)\n'), [
      '0001-a.md',
    ]);
  });
});

void describe('markSuperseded', () => {
  void it('marks an earlier ADR superseded in its front matter and Status, keeping the rest', async () => {
    const { markSuperseded, parseAdrFile, renderAdr } = await import('../../src/core/adr/render');
    const old = renderAdr({
      key: 'database',
      title: 'Use MongoDB',
      status: 'accepted',
      context: 'We need documents (NFR-2).',
      decision: 'We will use MongoDB.',
      consequences: { positive: ['Flexible'], negative: ['No joins'] },
      alternatives: [{ option: 'PostgreSQL', rejectedBecause: 'schema changes' }],
      requirements: ['NFR-2'],
      elements: ['db'],
      number: 2,
      date: '2026-11-01',
      file: 'adr/0002-use-mongodb.md',
    });
    const marked = markSuperseded(old, { number: 5, file: 'adr/0005-use-postgresql.md' });
    const parsed = parseAdrFile(marked, 'adr/0002-use-mongodb.md');
    assert.equal(parsed.record?.status, 'superseded');
    assert.equal(parsed.record?.supersededByNumber, 5);
    assert.deepEqual(parsed.missing, []);
    assert.match(marked, /## Status\n\nSuperseded by \[ADR 0005\]\(0005-use-postgresql\.md\)\n\n## Context/);
    assert.match(marked, /We will use MongoDB\./);
  });
});
