/**
 * Steps written in section groups (src/core/sectionParts.ts, docs/adr/0017): the table's groups,
 * the outline's and a group's checks (hostile and malformed answers included), and the assembly of
 * the fake server's parts of a whole answer into that answer.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  assembleSections,
  groupBlocks,
  hasSectionGroups,
  outlineText,
  parseOutline,
  parseSectionGroup,
  sectionPartHeading,
  sectionPartOfText,
  stepPartOfText,
} from '../../src/core/sectionParts';
import { parseStepOutput } from '../../src/core/stepOutput';
import { ADDITIONS_SECTION, STEPS, stepById } from '../../src/core/steps';
import { partAnswer } from '../fake-anthropic/answers/parts';

const DATA = stepById(4);

const outlineOf = (sections: { title: string; points?: string[]; ids?: string[] }[]): string =>
  `\`\`\`archflow-outline\n${JSON.stringify({ sections })}\n\`\`\`\n`;
const fullOutline = (): { title: string; points: string[]; ids: string[] }[] =>
  DATA.sections.map((title) => ({ title, points: [`${title} point`], ids: [] }));

describe('the step table’s section groups', () => {
  test('every step but the decision step is split; its groups are its sections in order, and each block has a section', () => {
    for (const s of STEPS) {
      if (s.blocks.includes('adrs')) {
        assert.equal(hasSectionGroups(s), false);
        continue;
      }
      assert.ok(hasSectionGroups(s), `step ${s.id} is not split`);
      assert.deepEqual(s.sectionGroups!.flat(), s.sections, `step ${s.id}'s groups`);
      assert.ok(s.sectionGroups!.length <= 3, `step ${s.id} has more than three groups`);
      for (const b of s.blocks) assert.ok(s.sections.includes(s.blockSections?.[b] ?? ''), `step ${s.id}: ${b}`);
      // Every block is written by exactly one group.
      assert.deepEqual(s.sectionGroups!.flatMap((g) => groupBlocks(s, g)).sort(), [...s.blocks].sort());
    }
  });

  test('a part names itself in its first line, and the server reads it back', () => {
    const part = { kind: 'sections' as const, titles: ['Storage Choices', 'Data Flows'] };
    assert.deepEqual(sectionPartOfText(`${sectionPartHeading(part)}\n\nWrite them.`), part);
    assert.deepEqual(stepPartOfText(sectionPartHeading({ kind: 'outline' })), { kind: 'outline' });
    assert.deepEqual(stepPartOfText('# Part: decision list'), { kind: 'decisions' });
    assert.equal(stepPartOfText('# Task: Step 4 — Data Architecture'), undefined);
  });
});

describe('the outline', () => {
  test('lists every section in order, with its points and the ids it introduces', () => {
    const sections = fullOutline();
    sections[1].ids = ['A-401 — 2,000 orders a day'];
    const r = parseOutline(outlineOf(sections), DATA);
    assert.deepEqual(r.errors, []);
    assert.equal(r.outline!.length, DATA.sections.length);
    const text = outlineText(r.outline!);
    assert.match(text, /- `## Data Model`\n {2}- Data Model point\n {2}- Introduces: A-401 — 2,000 orders a day/);
  });

  test('a missing or reordered section, an id introduced twice or out of the step’s range is sent back', () => {
    assert.match(
      parseOutline(outlineOf(fullOutline().slice(1)), DATA).errors.join(' '),
      /exactly the document's sections/,
    );
    const swapped = fullOutline();
    [swapped[1], swapped[2]] = [swapped[2], swapped[1]];
    assert.match(parseOutline(outlineOf(swapped), DATA).errors.join(' '), /in this order/);
    const twice = fullOutline();
    twice[1].ids = ['A-401 — one'];
    twice[2].ids = ['A-401 — other'];
    assert.match(
      parseOutline(outlineOf(twice), DATA).errors.join(' '),
      /A-401 is introduced by both "Data Model" and "Storage Choices"/,
    );
    const range = fullOutline();
    range[1].ids = ['A-301 — not ours'];
    assert.match(
      parseOutline(outlineOf(range), DATA).errors.join(' '),
      /A-301 is outside this step's range \(401-499\)/,
    );
  });

  test('an answer that is not an outline block, or not JSON, is sent back', () => {
    assert.deepEqual(parseOutline('## Summary\n\nProse.', DATA).errors, ['The `archflow-outline` block is missing.']);
    assert.equal(parseOutline('```archflow-outline\n{"sections": [\n```', DATA).outline, undefined);
    assert.match(
      parseOutline(outlineOf([{ title: 'Summary', points: 'one' as unknown as string[] }]), DATA).errors.join(' '),
      /"points" must be an array of strings/,
    );
  });
});

describe('a group of sections', () => {
  const first = DATA.sectionGroups![0];
  const last = DATA.sectionGroups![2];
  const additions = '```archflow-additions\n{}\n```';
  test('the first group starts at the H1 (text before it goes); a later one at its first section', () => {
    const r = parseSectionGroup(
      'Here it is:\n\n# Data — Shop\n\n## Summary\n\nS.\n\n## Data Model\n\nM.\n',
      DATA,
      first,
    );
    assert.deepEqual(r.errors, []);
    assert.equal(r.text, '# Data — Shop\n\n## Summary\n\nS.\n\n## Data Model\n\nM.');
    const later = parseSectionGroup(
      `# Repeated H1\n\n## Retention and Recovery\n\nR.\n\n## Migration Plan\n\nM.\n\n## ${ADDITIONS_SECTION}\n\n${additions}\n`,
      DATA,
      last,
    );
    assert.deepEqual(later.errors, []);
    assert.ok(later.text!.startsWith('## Retention and Recovery'));
  });

  test('another group’s section, a missing section, a missing H1 or a block of another group is sent back', () => {
    const foreign = parseSectionGroup(
      '# T\n\n## Summary\n\nS.\n\n## Data Model\n\nM.\n\n## Data Flows\n\nF.\n',
      DATA,
      first,
    );
    assert.match(foreign.errors.join(' '), /"Data Flows" is written by another request/);
    assert.match(
      parseSectionGroup('# T\n\n## Summary\n\nS.\n', DATA, first).errors.join(' '),
      /"## Data Model" are missing/,
    );
    assert.match(
      parseSectionGroup('## Summary\n\nS.\n\n## Data Model\n\nM.\n', DATA, first).errors.join(' '),
      /H1 title/,
    );
    const block = parseSectionGroup(`# T\n\n## Summary\n\n${additions}\n\n## Data Model\n\nM.\n`, DATA, first);
    assert.match(block.errors.join(' '), /Write no `archflow-additions` block/);
    const none = parseSectionGroup(
      '## Retention and Recovery\n\nR.\n\n## Migration Plan\n\nM.\n\n## Assumptions, Risks and Questions\n\nNone.\n',
      DATA,
      last,
    );
    assert.match(none.errors.join(' '), /`archflow-additions` block is missing/);
  });

  test('a heading inside a fenced block is not a section', () => {
    const r = parseSectionGroup('# T\n\n## Summary\n\n```md\n## Data Flows\n```\n\n## Data Model\n\nM.\n', DATA, first);
    assert.deepEqual(r.errors, []);
  });
});

describe('the fake server’s parts', () => {
  test('of a whole answer assemble into that answer, and its outline is valid', () => {
    const whole = [
      '# Data Architecture — Shop',
      '',
      'Intro line.',
      ...DATA.sections.flatMap((t, i) => [
        '',
        `## ${t}`,
        '',
        t === ADDITIONS_SECTION
          ? '```archflow-additions\n{"assumptions": [{"id": "A-401", "text": "Orders stay under 2,000 a day."}]}\n```'
          : `**Point ${i}** on ${t}, citing A-401 and FR-1.`,
      ]),
    ].join('\n');
    const outline = parseOutline(partAnswer(whole, { kind: 'outline' }, DATA.id), DATA);
    assert.deepEqual(outline.errors, []);
    const texts = DATA.sectionGroups!.map((titles) => {
      const r = parseSectionGroup(partAnswer(whole, { kind: 'sections', titles }, DATA.id), DATA, titles);
      assert.deepEqual(r.errors, []);
      return r.text!;
    });
    const assembled = assembleSections(texts);
    assert.equal(assembled, `${whole}\n`);
    assert.equal(parseStepOutput(DATA.id, assembled).parsed?.text, parseStepOutput(DATA.id, whole).parsed?.text);
  });
});

describe('a step in section groups, run by the engine', () => {
  test('an assembled answer the whole check refuses gets one repair round of the whole step', async (t) => {
    const { harness } = await import('../helpers/engineHarness');
    const h = await harness(t, { partConcurrency: 4 });
    const bad = '```archflow-additions\n{"assumptions": [{"id": "A-301", "text": "Another step\'s number."}]}\n```';
    // The outline and the three groups, in whatever order they start: the group that writes the
    // additions block gives it another step's id; its own check (sections, one block) passes, the
    // whole answer's does not.
    const breakAdditions = { text: (g: string) => g.replace(/```archflow-additions\n[\s\S]*?\n```/, bad) };
    h.llm.on(DATA.id, breakAdditions, breakAdditions, breakAdditions, breakAdditions);
    const summary = await h.run('all');
    assert.deepEqual(summary.failed, []);
    const calls = h.llm.callsFor(DATA.id);
    assert.equal(calls.length, 5, 'the outline, three groups and one repair of the whole');
    const repair = calls[4];
    assert.equal(repair.repair, true);
    const last = repair.request.turns.at(-1)!.content[0].text;
    assert.match(last, /A-301/);
    assert.match(last, /complete corrected document/);
    assert.ok(!(await h.read(DATA.document))!.includes('A-301'));
  });
});
