/** The findings contract: `steps` for open blocking findings, `evidence` for mitigated ones, both kept on disk. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evidenceProblems, parseFindingsJson, parseFindingsTable, renderFindings } from '../../src/core/findings';
import { findingSteps, stepById } from '../../src/core/steps';

const services = stepById(3).document;
const infra = stepById(5).document;
const documents = new Map([
  [services, '# Service Architecture\n\n## API Contracts\n\nTokens live 15 minutes.\n\n### Authentication\n\nOIDC.\n'],
  [infra, '# Infrastructure\n\n## Network and Security Groups\n\nDefault deny.\n'],
]);

function block(...findings: Record<string, unknown>[]): string {
  return JSON.stringify({ verdict: 'fail', findings });
}

const base = { title: 'A weakness', element: null, stride: 'Spoofing', recommendation: 'Fix it', requirements: [] };

test('the steps a finding may name are the design steps before the security review', () => {
  assert.deepEqual(
    findingSteps().map((s) => s.id),
    [2, 3, 4, 5],
  );
});

test('an open critical or high finding must name the steps that change; a lower one may', () => {
  const missing = parseFindingsJson(block({ ...base, id: 'SEC-1', severity: 'high', status: 'open' }));
  assert.match(missing.errors.join(' '), /finding "SEC-1": an open high finding needs "steps"/);
  const ok = parseFindingsJson(block({ ...base, id: 'SEC-1', severity: 'critical', status: 'open', steps: [5, 3, 3] }));
  assert.deepEqual(ok.errors, []);
  assert.deepEqual(ok.review!.findings[0].steps, [3, 5]);
  const low = parseFindingsJson(block({ ...base, id: 'SEC-2', severity: 'low', status: 'open' }));
  assert.deepEqual(low.errors, []);
  assert.equal(low.review!.findings[0].steps, undefined);
});

test('steps outside the design steps before the review are refused', () => {
  for (const bad of [[1], [6], [7], ['three'], [3.5]]) {
    const r = parseFindingsJson(block({ ...base, id: 'SEC-1', severity: 'high', status: 'open', steps: bad }));
    assert.match(r.errors.join(' '), /"steps" may only name steps 2, 3, 4 and 5/, JSON.stringify(bad));
  }
});

test('a mitigated finding needs evidence in a design document before the review, at a heading that exists', () => {
  const m = { ...base, id: 'SEC-1', severity: 'high', status: 'mitigated' };
  assert.match(parseFindingsJson(block(m), { documents }).errors.join(' '), /a mitigated finding needs "evidence"/);
  const own = parseFindingsJson(block({ ...m, evidence: '06-security-architecture.md › Security Controls' }), {
    documents,
  });
  assert.match(own.errors.join(' '), /must start with one of 02-high-level-architecture\.md/);
  assert.match(own.errors.join(' '), /leave the finding open/);
  const nowhere = parseFindingsJson(block({ ...m, evidence: `${services} › Rate Limits` }), { documents });
  assert.match(
    nowhere.errors.join(' '),
    /the section "Rate Limits" of 03-service-architecture\.md, which has no such heading/,
  );
  const absent = parseFindingsJson(block({ ...m, evidence: `${stepById(4).document} › Data Model` }), { documents });
  assert.match(absent.errors.join(' '), /names 04-data-architecture\.md, which does not exist/);
  const good = parseFindingsJson(block({ ...m, evidence: `\`${services}\` › Authentication; ${infra} > Network` }), {
    documents,
  });
  assert.deepEqual(good.errors, []);
  assert.equal(good.review!.findings[0].evidence, `\`${services}\` › Authentication; ${infra} > Network`);
  assert.equal(good.review!.verdict, 'pass');
});

test('evidence is checked by name alone when the documents are not at hand', () => {
  assert.deepEqual(evidenceProblems(`${services} › Anything`), []);
  assert.equal(evidenceProblems('the design › somewhere').length, 1);
});

test('steps and evidence survive the table on disk, and tables without those columns still read', () => {
  const review = parseFindingsJson(
    block(
      { ...base, id: 'SEC-1', severity: 'high', status: 'open', steps: [3, 5] },
      {
        ...base,
        id: 'SEC-2',
        severity: 'medium',
        status: 'mitigated',
        evidence: `${infra} › Network and Security Groups`,
      },
    ),
    { documents },
  ).review!;
  const table = renderFindings(review);
  assert.match(
    table,
    /\| ID \| Severity \| Finding \| Element \| STRIDE \| Recommendation \| Status \| Evidence \| Steps to change \| Requirements \|/,
  );
  const back = parseFindingsTable(`## Findings\n\n${table}\n`);
  assert.deepEqual(
    back.map((f) => [f.id, f.status, f.steps, f.evidence]),
    [
      ['SEC-1', 'open', [3, 5], undefined],
      ['SEC-2', 'mitigated', undefined, `${infra} › Network and Security Groups`],
    ],
  );
  const legacy = parseFindingsTable(
    '| ID | Severity | Finding | Element | STRIDE | Recommendation | Status | Requirements |\n|---|---|---|---|---|---|---|---|\n| SEC-9 | high | Old | — | — | Fix | open | NFR-1 |\n',
  );
  assert.deepEqual(
    legacy.map((f) => [f.id, f.status, f.steps, f.requirements]),
    [['SEC-9', 'open', undefined, ['NFR-1']]],
  );
});
