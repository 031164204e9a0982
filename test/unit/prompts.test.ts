import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { FilePromptSource, buildStepRequest, fillPlaceholders, promptFilesFor } from '../../src/core/prompts';
import { AGENTS, STEPS, type StepId } from '../../src/core/steps';
import { promptsDir } from '../helpers/paths';

const prd = '# Tiny PRD\n\n## Goals\n\nSell socks online with p95 < 200 ms.\n';

async function request(step: StepId, source = new FilePromptSource(promptsDir)) {
  return buildStepRequest(source, {
    step,
    prdName: 'PRD.md',
    prdText: prd,
    upstream: STEPS.find((s) => s.id === step)!.needs.map((n) => ({ name: `0${n}.md`, text: `doc ${n}`, step: n })),
    existingDecisions: [{ key: 'architecture-style', number: 1, title: 'Modular monolith' }],
    model: 'claude-test',
    maxTokens: 1000,
  });
}

test('every step and every agent has its prompt files', async () => {
  for (const agent of AGENTS) await fs.access(path.join(promptsDir, 'agents', `${agent}.md`));
  for (const step of STEPS) {
    for (const file of promptFilesFor(step)) {
      const text = await fs.readFile(path.join(promptsDir, file), 'utf8');
      assert.ok(text.trim().length > 200, `${file} is too short to be a real prompt`);
    }
  }
});

test('every step task names each of its required sections and blocks', async () => {
  for (const step of STEPS) {
    const text = await fs.readFile(path.join(promptsDir, 'steps', step.prompt), 'utf8');
    for (const section of step.sections)
      assert.ok(text.includes(`## ${section}`), `${step.prompt} does not name "## ${section}"`);
    for (const block of step.blocks)
      assert.ok(text.includes(`archflow-${block}`), `${step.prompt} does not ask for archflow-${block}`);
  }
});

test('every placeholder of every step request is filled', async () => {
  for (const step of STEPS) {
    const req = await request(step.id);
    const all = [...req.system, ...req.turns.flatMap((t) => t.content)].map((b) => b.text).join('\n');
    assert.doesNotMatch(all, /\{\{\s*\w+\s*\}\}/, `step ${step.id} has an unfilled placeholder`);
    assert.match(all, new RegExp(`# Task: Step ${step.id} — ${step.name}`));
  }
});

test('shared context comes first with cache breakpoints; steps 4 and 5 share their prefix', async () => {
  const four = await request(4);
  const five = await request(5);
  assert.equal(four.system[0].cache, true);
  const [prdBlock, upstream, task] = four.turns[0].content;
  assert.match(prdBlock.text, /^<document name="PRD">/);
  assert.equal(prdBlock.cache, true);
  assert.equal(upstream.cache, true);
  assert.ok(!task.cache);
  assert.deepEqual(four.system, five.system);
  assert.deepEqual(four.turns[0].content.slice(0, 2), five.turns[0].content.slice(0, 2));
  assert.notDeepEqual(four.turns[0].content[2], five.turns[0].content[2]);
});

test('a workspace override wins over the shipped prompt', async () => {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'archflow-prompts-'));
  await fs.mkdir(path.join(dir, 'agents'));
  await fs.writeFile(path.join(dir, 'agents', 'backend-architect.md'), 'OVERRIDDEN PERSONA for {{stepTitle}}');
  const req = await request(3, new FilePromptSource(promptsDir, dir));
  const task = req.turns[0].content.at(-1)!.text;
  assert.match(task, /OVERRIDDEN PERSONA for Step 3 — Service Design/);
  const other = await request(4, new FilePromptSource(promptsDir, dir));
  assert.doesNotMatch(other.turns[0].content.at(-1)!.text, /OVERRIDDEN/);
});

test('an unknown placeholder is an error naming the prompt', () => {
  assert.throws(
    () => fillPlaceholders('Hello {{nope}}', { step: '1' }, 'x.md'),
    /x\.md uses an unknown placeholder \{\{nope\}\}/,
  );
});
