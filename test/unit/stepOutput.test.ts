import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseFindingsTable, renderFindings } from '../../src/core/findings';
import { parseRequirementsTable } from '../../src/core/requirements';
import { level1Of, parseStepOutput, renderStepDocument } from '../../src/core/stepOutput';

/** The section every design step ends with, holding what it adds to the register (here: nothing). */
const NO_ADDITIONS = '## Assumptions, Risks and Questions\n\n```archflow-additions\n{}\n```';

const requirementsBlock = JSON.stringify({
  requirements: [
    { id: 'FR-1', title: 'Place an order | with pipes', source: 'PRD §2', priority: 'must' },
    {
      id: 'NFR-1',
      title: 'Fast checkout',
      category: 'performance',
      target: 'p95 < 200 ms',
      source: 'PRD §5',
      priority: 'must',
    },
  ],
});

function step1(block = requirementsBlock, drop?: string): string {
  const sections = [
    'Summary',
    'Business Goals and Drivers',
    'Requirement Inventory',
    'Quality Attribute Scenarios',
    'Constraints',
    'Assumptions',
    'Risks',
    'Open Questions',
    'Glossary',
  ];
  return [
    'Sure! Here is the document.',
    '# Architecture Context — Sock Shop',
    ...sections
      .filter((s) => s !== drop)
      .map(
        (s) =>
          `## ${s}\n\nText for ${s} citing NFR-1.${s === 'Requirement Inventory' ? `\n\n\`\`\`archflow-requirements\n${block}\n\`\`\`` : ''}`,
      ),
  ].join('\n\n');
}

const level1 = {
  people: [{ id: 'shopper', name: 'Shopper', description: 'Buys socks', external: true }],
  systems: [
    { id: 'shop', name: 'Sock Shop', description: 'Sells socks', external: false },
    { id: 'payments', name: 'Payments', description: 'Cards', external: true },
  ],
  relationships: [
    { from: 'shopper', to: 'shop', label: 'Buys', technology: 'HTTPS' },
    { from: 'shop', to: 'payments', label: 'Charges', technology: 'HTTPS' },
  ],
};

function step2(c4: unknown = level1): string {
  return [
    '# High-Level Architecture — Sock Shop',
    '## Summary\n\nA modular monolith (NFR-1).',
    '## Pattern Selection\n\nModular monolith.',
    '## System Boundary\n\nShop only.',
    '## System Context\n\n```archflow-c4\n' +
      JSON.stringify(c4) +
      '\n```\n\n```mermaid\n%%{init: {"securityLevel":"loose"}}%%\nflowchart LR\n  a-->b\n```',
    '## Major Components\n\nCatalogue, orders.',
    NO_ADDITIONS,
  ].join('\n\n');
}

test('a good step-1 output parses; text before the H1 is dropped', () => {
  const r = parseStepOutput(1, step1());
  assert.deepEqual(r.errors, []);
  assert.equal(r.parsed!.requirements!.length, 2);
  assert.equal(r.parsed!.title, 'Architecture Context — Sock Shop');
  assert.doesNotMatch(r.parsed!.text, /Here is the document/);
});

test('the requirement table written to disk reads back the same inventory', () => {
  const r = parseStepOutput(1, step1());
  const doc = renderStepDocument(r.parsed!);
  assert.doesNotMatch(doc, /archflow-requirements/);
  const back = parseRequirementsTable(doc);
  assert.deepEqual(
    back.map((x) => [x.id, x.title, x.category, x.target]),
    [
      ['FR-1', 'Place an order | with pipes', undefined, null],
      ['NFR-1', 'Fast checkout', 'performance', 'p95 < 200 ms'],
    ],
  );
});

test('a missing section, a missing block and bad JSON are each reported', () => {
  assert.deepEqual(parseStepOutput(1, step1(requirementsBlock, 'Risks')).errors, ['Section "## Risks" is missing.']);
  const noBlock = step1().replace(/```archflow-requirements[\s\S]*?```/, '');
  assert.deepEqual(parseStepOutput(1, noBlock).errors, ['The `archflow-requirements` block is missing.']);
  const bad = parseStepOutput(1, step1('{"requirements": [ { "id": "FR-1", } ]}'));
  assert.equal(bad.parsed, undefined);
  assert.match(bad.errors[0], /not valid JSON/);
  const badCategory = parseStepOutput(
    1,
    step1(JSON.stringify({ requirements: [{ id: 'NFR-1', title: 'x', category: 'speed' }] })),
  );
  assert.match(badCategory.errors.join(' '), /requirement "NFR-1": "category" must be one of/);
  assert.match(parseStepOutput(1, 'no heading at all').errors[0], /no H1/);
});

test('sections out of order are reported', () => {
  const swapped = step1()
    .replace('## Constraints', '## TEMP')
    .replace('## Assumptions', '## Constraints')
    .replace('## TEMP', '## Assumptions');
  assert.match(parseStepOutput(1, swapped).errors.join(' '), /out of order/);
});

test('step 2: the C4 block becomes a context diagram; init directives are stripped', () => {
  const r = parseStepOutput(2, step2());
  assert.deepEqual(r.errors, []);
  const doc = renderStepDocument(r.parsed!);
  assert.match(doc, /```mermaid\nC4Context/);
  assert.doesNotMatch(doc, /%%\{init/);
  assert.doesNotMatch(doc, /archflow-c4/);
  assert.match(doc, /\| Shopper \| `shopper` \|/);
});

test('step 2: a relationship to an unknown element and an unused external system fail validation', () => {
  const broken = { ...level1, relationships: [{ from: 'shopper', to: 'ghost', label: 'x' }] };
  const errors = parseStepOutput(2, step2(broken)).errors.join('\n');
  assert.match(errors, /ghost/);
  assert.match(errors, /payments/);
});

test('step 3 adds containers and components to the level-1 model without renaming it', () => {
  const model = parseStepOutput(2, step2()).parsed!.c4!;
  const part = {
    containers: [
      { id: 'api', system: 'shop', name: 'Shop API', technology: 'Node.js', description: 'Orders', kind: 'service' },
      { id: 'db', system: 'shop', name: 'Shop DB', technology: 'PostgreSQL', description: 'Orders', kind: 'database' },
    ],
    components: [{ id: 'orders', container: 'api', name: 'Orders', technology: 'TS', description: 'Places orders' }],
    relationships: [
      { from: 'shopper', to: 'api', label: 'Uses', technology: 'HTTPS' },
      { from: 'orders', to: 'db', label: 'Writes', technology: 'SQL' },
      { from: 'orders', to: 'payments', label: 'Charges', technology: 'HTTPS' },
    ],
  };
  const text = [
    '# Service Architecture',
    '## Summary\n\nx',
    '## Service Boundaries\n\nx',
    '## API Contracts\n\nx',
    '## Communication\n\nx',
    '## Container View\n\n```archflow-c4\n' + JSON.stringify(part) + '\n```',
    '## Component Views\n\nThe API holds the logic.\n\n### Shop API (`api`)\n\nWhy it is detailed.',
    NO_ADDITIONS,
  ].join('\n\n');
  const r = parseStepOutput(3, text, { c4: model });
  assert.deepEqual(r.errors, []);
  assert.deepEqual(level1Of(r.parsed!.c4!).systems, model.systems);
  const doc = renderStepDocument(r.parsed!);
  assert.match(doc, /```mermaid\nC4Container/);
  assert.match(doc, /### Shop API \(`api`\)\n\n```mermaid\nC4Component[\s\S]*```\n\nWhy it is detailed\./);
  const withoutH3 = renderStepDocument({ ...r.parsed!, text: r.parsed!.text.replace(/### Shop API[\s\S]*$/, '') });
  assert.match(withoutH3, /### Shop API \(`api`\)\n\n```mermaid\nC4Component/);
  const orphan = {
    ...part,
    components: [{ id: 'lost', container: 'nowhere', name: 'Lost', technology: 'x', description: 'x' }],
  };
  assert.match(
    parseStepOutput(3, text.replace(JSON.stringify(part), JSON.stringify(orphan)), { c4: model }).errors.join(' '),
    /nowhere/,
  );
});

test('step 6: the verdict is computed from the findings, not taken from the model', () => {
  const findings = {
    verdict: 'pass',
    findings: [
      {
        id: 'SEC-1',
        severity: 'high',
        title: 'Tokens in localStorage',
        element: 'api',
        recommendation: 'Cookies',
        status: 'open',
        steps: [3],
        requirements: ['NFR-1'],
      },
      {
        id: 'SEC-2',
        severity: 'low',
        title: 'Verbose errors',
        element: null,
        recommendation: 'Trim',
        status: 'open',
        requirements: [],
      },
    ],
  };
  const text = [
    '# Security Architecture',
    '## Summary\n\nx',
    '## Threat Model\n\nx',
    '## Security Controls\n\nx',
    '## Findings\n\n```archflow-findings\n' + JSON.stringify(findings) + '\n```',
    '## Verdict\n\n**Verdict: pass**\n\nThe model says pass.',
    NO_ADDITIONS,
  ].join('\n\n');
  const r = parseStepOutput(6, text);
  assert.deepEqual(r.errors, []);
  assert.equal(r.parsed!.review!.verdict, 'fail');
  const doc = renderStepDocument(r.parsed!);
  assert.match(doc, /## Verdict\n\n\*\*Verdict: FAIL\*\* — 1 critical or high finding\(s\) open: SEC-1/);
  assert.doesNotMatch(doc, /\*\*Verdict: pass\*\*/, "the model's contradicting verdict line is gone");
  assert.match(r.parsed!.warnings.join(' '), /contradicts its findings/);
  const back = parseFindingsTable(doc);
  assert.deepEqual(
    back.map((f) => [f.id, f.severity, f.status, f.element]),
    [
      ['SEC-1', 'high', 'open', 'api'],
      ['SEC-2', 'low', 'open', null],
    ],
  );
  assert.match(renderFindings({ verdict: 'pass', findings: [] }), /No findings/);
});
