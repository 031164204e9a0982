import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mentionedRequirementIds, mentionsId } from '../../src/core/mentions';
import { SerialQueue } from '../../src/core/serialQueue';

test('an id is mentioned as a whole word, not inside a longer identifier', () => {
  for (const text of ['FR-1', 'see FR-1.', '(FR-1, FR-2)', '**FR-1**', '`FR-1`', 'FR-1/NFR-2', 'FR-1: p95', 'FR-1—x'])
    assert.ok(mentionsId(text, 'FR-1'), text);
  for (const text of ['NFR-1', 'FR-10', 'XFR-1', 'X-FR-1', 'FR-1a', 'FR-1_b', 'FR-1-b', 'fr-1'])
    assert.ok(!mentionsId(text, 'FR-1'), text);
  assert.ok(mentionsId('the orderService calls it', 'orderService'));
  assert.ok(!mentionsId('orderServiceV2', 'orderService'));
  assert.ok(!mentionsId('web-api-v2', 'web-api'));
  assert.ok(mentionsId('calls web-api.', 'web-api'));
  assert.ok(!mentionsId('a.b', 'a+b'), 'the id is text, not a pattern');
  assert.ok(!mentionsId('anything', ''));
});

test('mentioned requirement ids follow the same rule, once each', () => {
  assert.deepEqual(mentionedRequirementIds('FR-2 and NFR-1, FR-2 again; not XNFR-3, FR-4a or X-FR-5'), [
    'FR-2',
    'NFR-1',
  ]);
});

test('the serial queue runs tasks one at a time, in order, past a failure', async () => {
  const queue = new SerialQueue();
  const order: string[] = [];
  let active = 0;
  const task =
    (name: string, fail = false) =>
    async (): Promise<string> => {
      active++;
      assert.equal(active, 1, 'two tasks ran at once');
      await new Promise((r) => setTimeout(r, 2));
      order.push(name);
      active--;
      if (fail) throw new Error(name);
      return name;
    };
  const results = await Promise.allSettled([queue.run(task('a')), queue.run(task('b', true)), queue.run(task('c'))]);
  assert.deepEqual(order, ['a', 'b', 'c']);
  assert.deepEqual(
    results.map((r) => r.status),
    ['fulfilled', 'rejected', 'fulfilled'],
  );
});
