/**
 * The live output's text while a step streams: prose as it arrives, each structured JSON block as
 * one line counting what it holds so far, fed with a real model's answers (shared/corpus) cut at
 * many points, as a stream cuts them.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { countArrayItems, liveDocumentText } from '../../src/core/liveText';
import { sharedFolder } from '../helpers/shared';

const corpus = sharedFolder('corpus');
const CORPUS = path.join(corpus.dir, 'saas-activation', 'answers');

function answer(step: number): string {
  return readFileSync(path.join(CORPUS, `step-${step}.md`), 'utf8');
}

/** The body of the first ```<info> block of an answer, parsed. */
function block(text: string, info: string): Record<string, unknown[]> {
  const m = new RegExp('^```' + info + '\\n([\\s\\S]*?)\\n```$', 'm').exec(text);
  assert.ok(m, `no ${info} block`);
  return JSON.parse(m[1]) as Record<string, unknown[]>;
}

/** Every prefix of `text` at `step`-character intervals, and the whole text with its last line ended. */
function prefixes(text: string, step: number): string[] {
  const out: string[] = [];
  for (let n = step; n < text.length; n += step) out.push(text.slice(0, n));
  out.push(`${text}\n`);
  return out;
}

describe('live document text', () => {
  it('never shows the raw C4 JSON of step 3, and counts it as it grows', { skip: corpus.skip }, () => {
    const text = answer(3);
    const model = block(text, 'archflow-c4');
    let lastContainers = 0;
    for (const prefix of prefixes(text, 211)) {
      const shown = liveDocumentText(prefix);
      assert.doesNotMatch(shown, /"relationships"|"containers"|\{ "id":/, `raw JSON at ${prefix.length}`);
      const m = /^> \*… C4 model: .*?(\d+) containers? so far …\*$/m.exec(shown);
      if (m) {
        assert.ok(Number(m[1]) >= lastContainers, 'counts only grow');
        lastContainers = Number(m[1]);
      }
    }
    const done = liveDocumentText(`${text}\n`);
    assert.match(
      done,
      new RegExp(
        `^> \\*C4 model: ${model.containers.length} containers, ${model.components.length} components, ${model.relationships.length} relationships\\. `,
        'm',
      ),
    );
    assert.ok(done.includes('## Container View'), 'the prose before the block');
    assert.ok(done.includes('## Component Views'), 'the prose after the block');
    assert.ok(done.includes('```mermaid\nsequenceDiagram'), 'other fenced blocks are document text');
    assert.ok(lastContainers > 0, 'a placeholder showed while the block streamed');
  });

  it(
    'summarises the requirements of step 1, the findings of step 6 and the ADRs of step 8',
    { skip: corpus.skip },
    () => {
      const cases: [number, string, string, string][] = [
        [1, 'archflow-requirements', 'Requirement inventory', 'requirements'],
        [6, 'archflow-findings', 'Security findings', 'findings'],
        [8, 'archflow-adrs', 'Architecture decisions', 'decisions'],
      ];
      for (const [step, info, title, noun] of cases) {
        const text = answer(step);
        const key = Object.keys(block(text, info)).find((k) => Array.isArray(block(text, info)[k]))!;
        const n = block(text, info)[key].length;
        const shown = liveDocumentText(`${text}\n`);
        assert.match(shown, new RegExp(`^> \\*${title}: ${n} ${noun}\\. `, 'm'), `step ${step}`);
        assert.ok(!shown.includes('```' + info), `step ${step}: no raw block`);
        assert.ok(shown.length < text.length, `step ${step}: shorter than the raw answer`);
      }
      // Step 8's answer is mostly JSON: what is left to read is the document.
      assert.ok(liveDocumentText(answer(8)).length < answer(8).length / 3);
    },
  );

  it('holds back a fence line still being written, and keeps an unfinished block a placeholder', () => {
    assert.equal(liveDocumentText('# Title\n\nSome prose.\n```archfl'), '# Title\n\nSome prose.\n');
    assert.equal(
      liveDocumentText('Intro\n```archflow-c4\n{ "containers": [ { "id": "a", "name": "x { y" }, { "id": "b\\" {'),
      'Intro\n> *… C4 model: 2 containers so far …*',
    );
    assert.equal(liveDocumentText('Intro\n```archflow-c4\n{'), 'Intro\n> *… C4 model: streaming …*');
    assert.equal(liveDocumentText('A\n```mermaid\nC4Context\n```\nB'), 'A\n```mermaid\nC4Context\n```\nB');
  });

  it('counts the arrays of a block it does not know by their keys', () => {
    assert.equal(
      liveDocumentText('```archflow-risks\n{"risks": [{}, {}], "notes": []}\n```\n'),
      "> *archflow-risks: 2 risks, 0 notes. (Structured data: the step's document shows it when the step is done.)*\n",
    );
    assert.deepEqual(
      [...countArrayItems('{"a": [{"b": [{}, {}]}, {}], "c": "[{", "d": [')],
      [
        ['a', 2],
        ['d', 0],
      ],
    );
  });
});
