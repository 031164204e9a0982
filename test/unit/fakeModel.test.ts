/**
 * The fake model (test/fake-anthropic/answers) in plain Node, without its HTTP server: what it reads
 * out of the documents a request carries. Archflow sends each step the documents as it wrote them to
 * disk, where the structured blocks have become tables, so the fake must read those as well as its own
 * blocks.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { test } from 'node:test';
import { buildStepRequest, FilePromptSource, type ContextDocument } from '../../src/core/prompts';
import { parseStepOutput, renderStepDocument } from '../../src/core/stepOutput';
import { stepById, type StepId } from '../../src/core/steps';
import { analysePrd } from '../fake-anthropic/prd';
import { generateAnswer } from '../fake-anthropic/responses';
import type { MessagesBody } from '../fake-anthropic/request';
import { promptsDir, samplePrd } from '../helpers/paths';

const prompts = new FilePromptSource(promptsDir);

/** The request body Archflow sends for a step, as the fake receives it. */
async function body(step: StepId, prdText: string, upstream: ContextDocument[] = []): Promise<MessagesBody> {
  const req = await buildStepRequest(prompts, {
    step,
    prdName: 'PRD.md',
    prdText,
    upstream,
    model: 'claude-test',
    maxTokens: 16000,
  });
  const blocks = (list: { text: string }[]) => list.map((b) => ({ type: 'text', text: b.text }));
  return {
    model: req.model,
    max_tokens: req.maxTokens,
    system: blocks(req.system),
    messages: req.turns.map((t) => ({ role: t.role, content: blocks(t.content) })),
  };
}

test("the fake reads step 1's inventory alike from its own block and from the table Archflow wrote", async () => {
  const prd = await fs.readFile(samplePrd('english'), 'utf8');
  const answer = generateAnswer(await body(1, prd)).text;
  const { parsed, errors } = parseStepOutput(1, answer);
  assert.deepEqual(errors, []);
  const onDisk = renderStepDocument(parsed!);
  assert.doesNotMatch(onDisk, /archflow-requirements/, 'the written document holds a table, not the block');
  const withTarget = parsed!.requirements!.find((r) => r.kind === 'NFR' && r.target);
  assert.ok(withTarget, 'the sample PRD gives an NFR a target');

  const doc = (text: string): ContextDocument[] => [{ name: stepById(1).document, text, step: 1 }];
  const fromBlock = generateAnswer(await body(2, prd, doc(answer))).text;
  const fromTable = generateAnswer(await body(2, prd, doc(onDisk))).text;
  assert.match(fromBlock, new RegExp(`${withTarget.id} \\(${withTarget.category}: ${withTarget.target}\\)`));
  assert.equal(fromTable, fromBlock);
});

test('a numbered heading is not a target: "## 3. Users" does not make "3. Users" the scale', () => {
  const facts = analysePrd(
    '# Shop\n\n## 3. Users\n\nBuyers and sellers.\n\n## 5. Quality\n\n- 1,200 concurrent users; 40 orders per minute.\n',
  );
  assert.equal(facts.targets.scale?.value, '1,200 concurrent users');
  assert.equal(facts.targets.throughput?.value, '40 orders per minute');
});
