import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { assignNumbers, type ExistingAdr } from '../../src/core/adr/numbering';
import type { AdrDraft, AdrRecord } from '../../src/core/model';

function draft(key: string, title = `Decide ${key}`, extra: Partial<AdrDraft> = {}): AdrDraft {
  return {
    key,
    title,
    status: 'accepted',
    context: 'c',
    decision: 'd',
    consequences: { positive: ['p'], negative: ['n'] },
    alternatives: [{ option: 'o', rejectedBecause: 'r' }],
    requirements: ['FR-1'],
    elements: [],
    supersedes: null,
    supersededBy: null,
    ...extra,
  };
}

const asExisting = (records: AdrRecord[]): ExistingAdr[] =>
  records.map((r) => ({ key: r.key, number: r.number, title: r.title, file: r.file, date: r.date }));

const summary = (records: AdrRecord[]) => records.map((r) => [r.number, r.key, r.file]);

void describe('assignNumbers', () => {
  void it('numbers a first run in order with files and today', () => {
    const records = assignNumbers(
      [draft('style', 'Use a modular monolith'), draft('db', 'Use PostgreSQL')],
      [],
      '2026-11-24',
    );
    assert.deepEqual(summary(records), [
      [1, 'style', 'adr/0001-use-a-modular-monolith.md'],
      [2, 'db', 'adr/0002-use-postgresql.md'],
    ]);
    assert.ok(records.every((r) => r.date === '2026-11-24'));
  });

  void it('keeps numbers when a re-run returns the same keys in another order, and keeps the first date', () => {
    const first = assignNumbers([draft('a'), draft('b'), draft('c')], [], '2026-11-24');
    const second = assignNumbers([draft('c'), draft('a'), draft('b')], asExisting(first), '2026-12-01');
    assert.deepEqual(summary(second), summary(first));
    assert.ok(second.every((r) => r.date === '2026-11-24'));
  });

  void it('never reuses the number of a removed decision; a new one gets max+1', () => {
    const first = assignNumbers([draft('a'), draft('b'), draft('c')], [], '2026-11-24');
    const second = assignNumbers([draft('a'), draft('new')], asExisting(first), '2026-11-25');
    assert.deepEqual(summary(second), [
      [1, 'a', 'adr/0001-decide-a.md'],
      [4, 'new', 'adr/0004-decide-new.md'],
    ]);
    // The next run no longer lists "b" and "c", but the high-water mark from the run state still counts.
    const third = assignNumbers([draft('a'), draft('new'), draft('newer')], asExisting(second), '2026-11-26', 4);
    assert.deepEqual(
      third.map((r) => r.number),
      [1, 4, 5],
    );
    const withoutMark = assignNumbers(
      [draft('x')],
      [{ key: 'a', number: 2, title: 'A', file: 'adr/0002-a.md' }],
      'd',
      7,
    );
    assert.equal(withoutMark[0].number, 8);
  });

  void it('keeps number and file when a decision with the same key is renamed', () => {
    const first = assignNumbers([draft('style', 'Use a modular monolith')], [], '2026-11-24');
    const second = assignNumbers([draft('style', 'Use a modular monolith with an outbox')], asExisting(first), 'x');
    assert.equal(second[0].number, 1);
    assert.equal(second[0].file, 'adr/0001-use-a-modular-monolith.md');
    assert.equal(second[0].title, 'Use a modular monolith with an outbox');
  });

  void it('falls back to the title when the model changed a key', () => {
    const first = assignNumbers([draft('style', 'Use a Modular Monolith'), draft('db', 'Use PostgreSQL')], [], 'd');
    const second = assignNumbers(
      [draft('db'), draft('arch-style', 'use a modular  monolith!')],
      asExisting(first),
      'd',
    );
    assert.deepEqual(
      second.map((r) => [r.number, r.key]),
      [
        [1, 'arch-style'],
        [2, 'db'],
      ],
    );
  });

  void it('regenerates a file path from state that this code could not have written', () => {
    const records = assignNumbers(
      [draft('a', 'Use A')],
      [{ key: 'a', number: 3, title: 'Use A', file: '../../x.md' }],
      'd',
    );
    assert.equal(records[0].file, 'adr/0003-use-a.md');
  });

  void it('links supersede both ways (successor names the predecessor)', () => {
    const records = assignNumbers(
      [draft('old', 'Use microservices'), draft('new', 'Use a monolith', { supersedes: 'old' })],
      [],
      'd',
    );
    const [old, neu] = records;
    assert.deepEqual([old.status, old.supersededBy, old.supersededByNumber], ['superseded', 'new', 2]);
    assert.deepEqual([neu.status, neu.supersedes, neu.supersedesNumber], ['accepted', 'old', 1]);
  });

  void it('links supersede both ways (predecessor names the successor)', () => {
    const records = assignNumbers(
      [draft('new'), draft('old', 'Old', { status: 'superseded', supersededBy: 'new' })],
      [],
      'd',
    );
    assert.deepEqual([records[0].supersedes, records[0].supersedesNumber], ['old', 2]);
    assert.deepEqual([records[1].supersededBy, records[1].supersededByNumber], ['new', 1]);
  });

  void it('resolves a supersede link to an existing decision that is not re-emitted, and drops unknown keys', () => {
    const records = assignNumbers(
      [draft('new', 'New', { supersedes: 'gone' }), draft('other', 'Other', { supersedes: 'nobody' })],
      [{ key: 'gone', number: 5, title: 'Gone', file: 'adr/0005-gone.md' }],
      'd',
    );
    assert.deepEqual(
      records.map((r) => [r.number, r.supersedes, r.supersedesNumber]),
      [
        [6, 'gone', 5],
        [7, null, null],
      ],
    );
  });
});
