/** The step table is consistent: every fact the workflow asks of it is there, once. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ARCHITECTURE_SECTIONS, COMPUTED_SECTIONS } from '../../src/core/architectureOutline';
import {
  type BlockKind,
  STEPS,
  STEP_IDS,
  parseStepId,
  stepForC4Level,
  stepList,
  stepWithBlock,
  stepsPlacedInto,
} from '../../src/core/steps';

test('steps are numbered in table order and need only steps before them', () => {
  assert.deepEqual(
    STEP_IDS,
    STEPS.map((_, i) => i + 1),
  );
  for (const s of STEPS) for (const n of s.needs) assert.ok(n < s.id, `step ${s.id} needs the later step ${n}`);
});

test('each role is one step: the inventory, the security review, the decisions, each C4 level', () => {
  for (const kind of ['requirements', 'findings', 'adrs', 'c4'] as BlockKind[]) {
    const producers = STEPS.filter((s) => s.blocks.includes(kind));
    assert.ok(producers.length >= 1, `no step produces ${kind}`);
    if (kind !== 'c4') assert.equal(producers.length, 1, `${kind} is produced by steps ${producers.map((s) => s.id)}`);
  }
  for (const level of [1, 2, 3] as const) {
    assert.equal(STEPS.filter((s) => s.c4Levels?.includes(level)).length, 1, `C4 level ${level}`);
    assert.ok(stepForC4Level(level).blocks.includes('c4'));
  }
  for (const s of STEPS) assert.equal(s.c4Levels !== undefined, s.blocks.includes('c4'), `step ${s.id}: c4Levels`);
  // Only the decision step reads the decisions so far; the staleness wording exists for the steps the criteria name.
  assert.deepEqual(
    STEPS.filter((s) => s.reads.decisions),
    [stepWithBlock('adrs')],
  );
  assert.ok(stepWithBlock('findings').since && stepWithBlock('adrs').since);
  assert.equal(STEPS.filter((s) => s.systemTitlePrefix !== undefined).length, 1);
});

test('every section of ARCHITECTURE.md has a source, and each placement names real headings', () => {
  for (const section of ARCHITECTURE_SECTIONS) {
    const placed = stepsPlacedInto(section);
    if (COMPUTED_SECTIONS.includes(section)) assert.deepEqual(placed, [], `${section} is computed`);
    else assert.ok(placed.length > 0, `no step places anything into ${section}`);
  }
  for (const part of ['glossary', 'risks'] as const) assert.ok(stepsPlacedInto(part).length > 0, part);
  for (const s of STEPS) {
    for (const p of s.placement) {
      for (const h of [...(p.only ?? []), ...(p.except ?? [])])
        assert.ok(s.sections.includes(h), `step ${s.id} places "${h}", which is not one of its sections`);
    }
  }
});

test('only the design sections count for traceability', () => {
  const inventory = stepWithBlock('requirements');
  assert.equal(inventory.traced, false, 'the inventory does not trace itself');
  assert.ok(STEPS.some((s) => s.traced));
});

test('step ids are parsed from user input, and listed in prose', () => {
  assert.equal(parseStepId(' 3 '), 3);
  for (const bad of ['0', String(STEP_IDS.length + 1), '2.5', 'x', '']) assert.equal(parseStepId(bad), undefined, bad);
  assert.equal(stepList([1]), 'step 1');
  assert.equal(stepList([1, 8]), 'steps 1 and 8');
  assert.equal(stepList([2, 3, 4]), 'steps 2, 3 and 4');
});
