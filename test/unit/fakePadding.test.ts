import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseStepOutput } from '../../src/core/stepOutput';
import { padAnswer } from '../fake-anthropic/padding';
import { generateStepDocument } from '../fake-anthropic/answers/generate';
import { readContext } from '../fake-anthropic/request';
import { buildStepRequest, FilePromptSource } from '../../src/core/prompts';
import { promptsDir } from '../helpers/paths';

test('padding grows an answer to the target with prose spread over its sections but the last; headings and blocks stay', async () => {
  const text = '# Title\n\n## Summary\n\nShort.\n\n## Middle\n\nShort.\n\n## Details\n\n```archflow-x\n{}\n```\n';
  const padded = padAnswer(text, 5000);
  assert.ok(padded.length >= 5000 && padded.length < 5700, `length ${padded.length}`);
  assert.deepEqual(padded.match(/^## .*$/gm), ['## Summary', '## Middle', '## Details']);
  const share = (from: string, to: string): number => padded.indexOf(to) - padded.indexOf(from);
  assert.ok(Math.abs(share('## Summary', '## Middle') - share('## Middle', '## Details')) < 700, 'the shares differ');
  assert.ok(padded.endsWith('## Details\n\n```archflow-x\n{}\n```\n'));
  assert.doesNotMatch(padded.slice(0, padded.indexOf('## Details')), /[A-Z]+-\d+|`/, 'the padding names no id or file');
  assert.equal(padAnswer(text, 10), text, 'an answer already that long is left as it is');
});

test('a padded step answer still validates', async () => {
  const request = await buildStepRequest(new FilePromptSource(promptsDir), {
    step: 1,
    prdName: 'PRD.md',
    prdText: '# Shop\n\n## Features\n\n- Customers buy socks online.\n- p95 page load under 200 ms.\n',
    upstream: [],
    model: 'm',
    maxTokens: 16000,
  });
  const body = {
    model: 'm',
    max_tokens: 16000,
    system: request.system.map((b) => ({ type: 'text', text: b.text })),
    messages: [{ role: 'user', content: request.turns[0].content.map((b) => ({ type: 'text', text: b.text })) }],
  };
  const answer = generateStepDocument(1, readContext(body));
  const padded = padAnswer(answer, 24_000);
  assert.ok(padded.length >= 24_000);
  const parsed = parseStepOutput(1, padded, { requirementIds: new Set(), documents: new Map() });
  assert.deepEqual(parsed.errors, []);
});
