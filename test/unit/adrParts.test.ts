/** The decision step in parts: its requests, the checks of each part's answer, and their assembly. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  type DecisionEntry,
  assembleAdrAnswer,
  groupDecisions,
  parseAdrGroup,
  parseDecisionList,
  partHeading,
  partOfText,
  partRequest,
  withoutAdrBlock,
} from '../../src/core/adr/parts';
import type { LlmRequest } from '../../src/core/llm/types';
import { parseStepOutput } from '../../src/core/stepOutput';
import { partAnswer } from '../fake-anthropic/answers/parts';
import { harness } from '../helpers/engineHarness';

const list = (decisions: unknown[]): string => '```archflow-decisions\n' + JSON.stringify({ decisions }) + '\n```\n';
const entry = (key: string, extra: Partial<DecisionEntry> = {}): DecisionEntry => ({
  key,
  title: `Decide ${key}`,
  status: 'accepted',
  supersedes: null,
  supersededBy: null,
  ...extra,
});
const adrJson = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  key: 'order-store',
  title: 'Use PostgreSQL for orders',
  status: 'accepted',
  context: 'NFR-1 needs p95 < 200 ms.',
  decision: 'We will store orders in `ordersDb`.',
  consequences: { positive: ['One engine'], negative: ['One more thing to run'] },
  alternatives: [{ option: 'DynamoDB', rejectedBecause: 'Joins' }],
  requirements: ['NFR-1'],
  elements: ['ordersDb'],
  supersedes: null,
  ...over,
});

describe('the decision list', () => {
  test('reads keys, titles, statuses and links; keys normalised', () => {
    const r = parseDecisionList(
      list([
        { key: 'Order Store', title: 'Use  PostgreSQL', status: 'Accepted' },
        { key: 'old-cache', title: 'Cache in process', status: 'superseded', supersededBy: 'cache' },
        { key: 'cache', title: 'Use Redis', status: 'proposed', supersedes: 'old-cache' },
      ]),
      ['old-cache'],
    );
    assert.deepEqual(r.errors, []);
    assert.deepEqual(r.decisions, [
      { key: 'order-store', title: 'Use PostgreSQL', status: 'accepted', supersedes: null, supersededBy: null },
      { key: 'old-cache', title: 'Cache in process', status: 'superseded', supersedes: null, supersededBy: 'cache' },
      { key: 'cache', title: 'Use Redis', status: 'proposed', supersedes: 'old-cache', supersededBy: null },
    ]);
  });

  test('names what is wrong: a missing existing key, a key twice, a superseded decision without successor', () => {
    const r = parseDecisionList(
      list([
        { key: 'a', title: 'A', status: 'accepted' },
        { key: 'a', title: 'A again', status: 'accepted' },
        { key: 'b', title: 'B', status: 'superseded' },
        { key: 'c', title: 'C', status: 'maybe' },
      ]),
      ['kept'],
    );
    assert.equal(r.decisions, undefined);
    const text = r.errors.join('\n');
    assert.match(text, /"a" is listed twice/);
    assert.match(text, /"kept" are not listed/);
    assert.match(text, /"b" is superseded but no decision/);
    assert.match(text, /"status" "maybe" is not one of/);
  });

  test('a missing block or broken JSON is one error', () => {
    assert.deepEqual(parseDecisionList('no block', []).errors, ['The `archflow-decisions` block is missing.']);
    assert.match(parseDecisionList('```archflow-decisions\n{"decisions": [\n```', []).errors[0], /not valid JSON/);
  });
});

describe('an ADR group', () => {
  const block = (...adrs: Record<string, unknown>[]): string =>
    '```archflow-adrs\n' + JSON.stringify({ adrs }) + '\n```';

  test('keeps the content of the answer and the identity of the list', () => {
    const r = parseAdrGroup(block(adrJson({ key: 'other', title: 'Another title', status: 'proposed' })), [
      entry('order-store', { title: 'Use PostgreSQL for orders', status: 'superseded', supersededBy: 'order-db' }),
    ]);
    assert.deepEqual(r.errors, []);
    const adr = r.adrs.get('order-store');
    assert.equal(adr?.title, 'Use PostgreSQL for orders');
    assert.equal(adr?.status, 'superseded');
    assert.equal(adr?.supersededBy, 'order-db');
    assert.equal(adr?.decision, 'We will store orders in `ordersDb`.');
  });

  test('takes the valid ADRs and names the missing and broken ones, for a repair of those only', () => {
    const r = parseAdrGroup(block(adrJson({ key: 'b' }), adrJson({ key: 'c', alternatives: [] })), [
      entry('a'),
      entry('b'),
      entry('c'),
    ]);
    assert.deepEqual([...r.adrs.keys()], ['b']);
    assert.match(r.errors.join('\n'), /ADR "a" is missing/);
    assert.match(r.errors.join('\n'), /ADR "c".*alternatives/);
  });

  test('splits the list into groups in order, sizes differing by one at most', () => {
    assert.deepEqual(groupDecisions([1, 2, 3, 4, 5, 6, 7], 3), [
      [1, 2, 3],
      [4, 5],
      [6, 7],
    ]);
    assert.deepEqual(groupDecisions([1, 2], 3), [[1], [2]]);
    assert.deepEqual(groupDecisions([1, 2], 0), [[1, 2]]);
  });
});

describe('a part request', () => {
  const step: LlmRequest = {
    model: 'm',
    maxTokens: 100,
    system: [{ text: 'format', cache: true }],
    turns: [
      {
        role: 'user',
        content: [
          { text: 'PRD', cache: true },
          { text: 'doc 1' },
          { text: 'doc 7', cache: true },
          { text: 'c4 model', cache: true },
          { text: '# Task: Step 8 — Architecture Decision Records' },
        ],
      },
    ],
  };

  test('is the step request with its task cached and the instruction last, within four breakpoints', () => {
    const r = partRequest(step, `${partHeading({ kind: 'adrs', keys: ['a', 'b'] })}\n\nwrite them`);
    const blocks = r.turns[0].content;
    assert.deepEqual(
      blocks.slice(0, -1).map((b) => b.text),
      step.turns[0].content.map((b) => b.text),
    );
    assert.equal(blocks.at(-2)?.cache, true, 'the task closes the shared prefix');
    assert.equal(blocks.at(-1)?.cache, undefined);
    assert.deepEqual(partOfText(blocks.at(-1)!.text), { kind: 'adrs', keys: ['a', 'b'] });
    assert.equal([...r.system, ...blocks].filter((b) => b.cache).length, 4);
    // The earliest user breakpoint gave way; the step request itself is unchanged.
    assert.equal(blocks[0].cache, undefined);
    assert.equal(step.turns[0].content[0].cache, true);
    assert.equal(step.turns[0].content.length, 5);
  });

  test('names its part', () => {
    assert.deepEqual(partOfText(partHeading({ kind: 'decisions' })), { kind: 'decisions' });
    assert.deepEqual(partOfText(partHeading({ kind: 'summary' })), { kind: 'summary' });
    assert.deepEqual(partOfText(partHeading({ kind: 'adrs', keys: ['one'] })), { kind: 'adrs', keys: ['one'] });
    assert.equal(partOfText('# Task: Step 8'), undefined);
  });
});

describe('assembly', () => {
  const summary = [
    '# Executive Summary — Shop',
    '## Problem',
    'Orders are slow (NFR-1).',
    '## Chosen Architecture',
    'A modular monolith.',
    '## Top Risks',
    '- R-1: load.',
    '## Decisions Needed',
    '- Confirm the store.',
    '',
  ].join('\n\n');

  test('puts the ADRs as the last thing of the summary: the answer a single call gives, checked as one', () => {
    const group = parseAdrGroup('```archflow-adrs\n' + JSON.stringify({ adrs: [adrJson()] }) + '\n```', [
      entry('order-store'),
    ]);
    const text = assembleAdrAnswer(summary, [group.adrs.get('order-store')!]);
    const r = parseStepOutput(8, text);
    assert.deepEqual(r.errors, []);
    assert.deepEqual(
      r.parsed?.adrs?.map((a) => a.key),
      ['order-store'],
    );
    assert.ok(text.trimEnd().endsWith('```'));
  });

  test('the fake server’s parts of a whole answer assemble into that answer', () => {
    const whole = `${summary}\n\n\`\`\`archflow-adrs\n${JSON.stringify({ adrs: [adrJson(), adrJson({ key: 'cache', title: 'Use Redis' })] })}\n\`\`\`\n`;
    const decisions = parseDecisionList(partAnswer(whole, { kind: 'decisions' }, 8), []).decisions!;
    assert.deepEqual(
      decisions.map((d) => d.key),
      ['order-store', 'cache'],
    );
    const group = parseAdrGroup(partAnswer(whole, { kind: 'adrs', keys: decisions.map((d) => d.key) }, 8), decisions);
    const adrs = decisions.map((d) => group.adrs.get(d.key)!);
    const assembled = assembleAdrAnswer(partAnswer(whole, { kind: 'summary' }, 8), adrs);
    assert.deepEqual(parseStepOutput(8, assembled).parsed?.adrs, parseStepOutput(8, whole).parsed?.adrs);
    assert.equal(withoutAdrBlock(whole).includes('archflow-adrs'), false);
  });
});

describe('the decision step in parts, in the engine', () => {
  test('a group with one broken ADR is repaired, and the repair is asked for that ADR only', async (t) => {
    const h = await harness(t, { partConcurrency: 4 });
    let broken = false;
    const breakOne = (g: string): string => {
      if (broken || !g.includes('```archflow-adrs') || !g.includes('"architecture-style"')) return g;
      broken = true;
      const block = /```archflow-adrs\n([\s\S]*?)\n```/.exec(g)!;
      const json = JSON.parse(block[1]) as { adrs: { key: string; alternatives: unknown[] }[] };
      for (const a of json.adrs) if (a.key === 'architecture-style') a.alternatives = [];
      return g.replace(block[1], JSON.stringify(json));
    };
    h.llm.on(8, ...Array.from({ length: 6 }, () => ({ text: breakOne })));
    const summary = await h.run('all');
    assert.deepEqual(summary.failed, []);
    assert.ok(broken, 'no group held the ADR');
    const repairs = h.llm.callsFor(8).filter((c) => c.repair);
    assert.equal(repairs.length, 1);
    const turn = repairs[0].request.turns.at(-1)!.content[0].text;
    assert.match(turn, /ADR "architecture-style"/);
    assert.match(turn, /only the ADRs named above/);
    const others = (await h.state()).adrs.filter((a) => a.key !== 'architecture-style').map((a) => a.key);
    assert.ok(others.length > 0);
    for (const k of others) assert.doesNotMatch(turn, new RegExp(`"${k}"`));
    assert.ok((await h.state()).adrs.some((a) => a.key === 'architecture-style'));
    // The step's record counts every call of its parts.
    assert.equal((await h.state()).steps[8]?.attempts, h.llm.callsFor(8).length);
  });

  test('a summary wrapped in a fence, with a line before it, is read as the whole answer would be', async (t) => {
    const h = await harness(t, { partConcurrency: 4 });
    const wrap = (g: string): string =>
      g.startsWith('# Executive Summary') ? `Here is the summary.\n\n\`\`\`markdown\n${g}\n\`\`\`\n` : g;
    h.llm.on(8, ...Array.from({ length: 6 }, () => ({ text: wrap })));
    assert.deepEqual((await h.run('all')).failed, []);
    assert.equal(h.llm.callsFor(8).filter((c) => c.repair).length, 0);
    const doc = (await h.read('08-executive-summary.md'))!;
    assert.match(doc, /^# Executive Summary/);
    assert.doesNotMatch(doc, /Here is the summary|```markdown/);
  });
});
