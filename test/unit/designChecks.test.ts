/** The consistency report `check` shows beside the exit criteria, on a fixture bundle edited by hand. */
import assert from 'node:assert/strict';
import { type TestContext, describe, it } from 'node:test';
import { checkDesign } from '../../src/core/designChecks';
import { LAYOUT } from '../../src/core/steps';
import { type BundleFixture, createBundleFixture } from '../helpers/bundleFixture';

async function fixture(t: TestContext): Promise<BundleFixture> {
  const f = await createBundleFixture();
  t.after(() => f.dispose());
  return f;
}

async function issues(f: BundleFixture): Promise<string[]> {
  const { bundle } = await f.load();
  return checkDesign(bundle).map((i) => `${i.level} ${i.kind}: ${i.message}`);
}

void describe('the design consistency report', () => {
  void it('is empty for a consistent bundle', async (t) => {
    const f = await fixture(t);
    await f.reassemble();
    assert.deepEqual(await issues(f), []);
  });

  void it('fails when ARCHITECTURE.md lost sections or holds a fence left open', async (t) => {
    const f = await fixture(t);
    await f.reassemble();
    await f.edit(LAYOUT.architecture, (text) => text.replace(/^## 9\. Deployment Architecture$/m, '### 9. Deployment'));
    assert.deepEqual(await issues(f), [
      'error architecture-outline: ARCHITECTURE.md does not have its eleven sections (missing "9. Deployment Architecture"); assemble it again by running the workflow',
    ]);
    await f.reassemble();
    await f.edit(LAYOUT.architecture, (text) => text.replace(/^## 9\. /m, '```markdown\n## 9. '));
    const found = await issues(f);
    assert.match(
      found[0],
      /^error architecture-outline: ARCHITECTURE\.md has a code fence opened at line \d+ that is never closed/,
    );
    assert.match(
      found[1],
      /missing "9\. Deployment Architecture", "10\. Architecture Decision Records", "11\. Appendices"/,
    );
  });

  void it('fails on an id two documents define, and warns on one outside its range', async (t) => {
    const f = await fixture(t);
    const table = '\n\n| Assumption | Statement |\n|---|---|\n| A-24 | One meaning |\n';
    await f.edit('04-data-architecture.md', (text) => text + table);
    await f.edit('05-infrastructure-architecture.md', (text) => text + table.replace('One meaning', 'Another'));
    const found = await issues(f);
    assert.ok(
      found.some((i) =>
        /^error duplicate-id: A-24 is defined 2 times \(04-data-architecture\.md line \d+, 05-infrastructure-architecture\.md line \d+\)/.test(
          i,
        ),
      ),
      found.join('\n'),
    );
    assert.ok(
      found.some((i) =>
        /^warning id-out-of-range: 04-data-architecture\.md defines A-24, outside its range \(401–499\)/.test(i),
      ),
    );
  });

  void it('warns on references to documents, sections, ADRs, ids and elements that do not exist', async (t) => {
    const f = await fixture(t);
    await f.edit('06-security-architecture.md', (text) =>
      [
        text,
        'See `02-system-context.md` and 03-service-architecture.md › Rate Limits; ADR 0042 decided it (A-77, NFR-99).',
        '',
        '| Container | Control |',
        '|---|---|',
        '| `ghostService` | none |',
        '',
      ].join('\n'),
    );
    const found = await issues(f);
    for (const expected of [
      /^warning unknown-document: 06-security-architecture\.md line \d+ cites 02-system-context\.md, which is not a document of this design$/,
      /^warning unknown-section: 06-security-architecture\.md line \d+ cites "Rate Limits" of 03-service-architecture\.md, which has no such section$/,
      /^warning unknown-adr: 06-security-architecture\.md line \d+ cites ADR 0042, which does not exist$/,
      /^warning unknown-id: 06-security-architecture\.md line \d+ cites A-77, which no document defines$/,
      /^warning unknown-id: 06-security-architecture\.md line \d+ cites NFR-99, which is not in the requirement inventory$/,
      /^warning unknown-element: 06-security-architecture\.md line \d+ names the element `ghostService`, which is not in diagrams\/c4-model\.json$/,
    ]) {
      assert.ok(
        found.some((i) => expected.test(i)),
        `${expected} not in:\n${found.join('\n')}`,
      );
    }
    assert.equal(found.filter((i) => i.startsWith('error')).length, 0, 'references are warnings');
  });

  void it('fails when a mitigated finding cites evidence the documents no longer hold', async (t) => {
    const f = await fixture(t);
    await f.edit('06-security-architecture.md', (text) =>
      text.replace(/\| mitigated \| — \|/, '| mitigated | 03-service-architecture.md › Token Lifetimes |'),
    );
    const found = await issues(f);
    assert.ok(
      found.some((i) =>
        /^error evidence: SEC-\d+ is mitigated by "03-service-architecture\.md › Token Lifetimes", which the design documents no longer hold$/.test(
          i,
        ),
      ),
      found.join('\n'),
    );
  });
});
