import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { FilePromptSource, buildStepRequest, fillPlaceholders, promptFilesFor } from '../../src/core/prompts';
import { AGENTS, type BlockKind, LAYOUT, STEPS, type StepId, downstreamOf, upstreamOf } from '../../src/core/steps';
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

test('shared context comes first with cache breakpoints; every step shares the system text and the PRD', async () => {
  const four = await request(4);
  const five = await request(5);
  assert.equal(four.system[0].cache, true);
  const [prdBlock, ...rest] = four.turns[0].content;
  const task = rest.pop()!;
  assert.match(prdBlock.text, /^<document name="PRD">/);
  assert.equal(prdBlock.cache, true);
  // Each upstream document in step order as the chain gives it (docs/adr/0019: the digests of 01
  // and 02, 03 whole, as two steps build on it), the breakpoint on the last one only.
  assert.deepEqual(
    rest.map((b) => [
      /^<document name="([^"]+)"[^>]*?(?: part="([^"]+)")?>/.exec(b.text)?.slice(1, 3),
      b.cache === true,
    ]),
    [
      [['01.md', 'digest'], false],
      [['02.md', 'digest'], false],
      [['03.md', undefined], true],
    ],
  );
  assert.ok(!task.cache);
  for (const s of STEPS.filter((x) => x.reads.prd)) {
    const other = await request(s.id);
    assert.deepEqual(other.system, four.system, `step ${s.id}'s system text differs`);
    assert.deepEqual(other.turns[0].content[0], prdBlock, `step ${s.id}'s PRD block differs`);
  }
  // Step 5's request starts with step 4's chain (so it is read from the cache), then adds 04.
  const texts = (r: typeof four): string[] => r.turns[0].content.slice(0, -1).map((b) => b.text);
  assert.deepEqual(texts(five).slice(0, texts(four).length), texts(four));
  assert.match(texts(five)[texts(four).length], /^<document name="04\.md" step="4">/);
  assert.notDeepEqual(four.turns[0].content.at(-1), five.turns[0].content.at(-1));
});

test('the hand-overs are dependencies: infrastructure reads the data design, observability the security review', async () => {
  const texts = async (step: StepId): Promise<string> =>
    (await request(step)).turns[0].content.map((b) => b.text).join('\n');
  assert.match(await texts(5), /<document name="04\.md" step="4">/);
  assert.match(await texts(7), /<document name="06\.md" step="6">/);
});

test('a request carries the schemas of the blocks its step writes, and no others', async () => {
  const heading = (kind: string): RegExp => new RegExp(`^### \`archflow-${kind}\``, 'm');
  for (const step of STEPS) {
    const req = await request(step.id);
    const system = req.system.map((b) => b.text).join('\n');
    const task = req.turns[0].content.at(-1)!.text;
    for (const kind of ['requirements', 'c4', 'deployment', 'additions', 'findings', 'adrs'] as BlockKind[]) {
      assert.doesNotMatch(system, heading(kind), `the shared system text carries the ${kind} schema`);
      if (step.blocks.includes(kind)) assert.match(task, heading(kind), `step ${step.id} lacks the ${kind} schema`);
      else assert.doesNotMatch(task, heading(kind), `step ${step.id} carries the ${kind} schema`);
    }
  }
});

test('prompts name the documents through placeholders, and the requests name the real files', async () => {
  const files = [
    'output-format.md',
    ...AGENTS.map((a) => `agents/${a}.md`),
    ...STEPS.map((s) => `steps/${s.prompt}`),
    ...(await fs.readdir(path.join(promptsDir, 'blocks'))).map((f) => `blocks/${f}`),
  ];
  const literal = [...STEPS.map((s) => s.document), LAYOUT.c4Model, LAYOUT.c4Deployment, LAYOUT.architecture];
  for (const file of files) {
    const text = await fs.readFile(path.join(promptsDir, file), 'utf8');
    for (const name of literal) assert.ok(!text.includes(name), `${file} spells out ${name}; use its placeholder`);
  }
  const six = await request(6);
  const all = [...six.system, ...six.turns[0].content].map((b) => b.text).join('\n');
  for (const s of STEPS) assert.ok(all.includes(`\`${s.document}\``), `the request does not name ${s.document}`);
  assert.match(all, /`06-security-architecture\.md` \| Security Review/);
});

test('what a prompt says of the order of steps agrees with the step table', async () => {
  for (const step of STEPS) {
    const text = await fs.readFile(path.join(promptsDir, 'steps', step.prompt), 'utf8');
    for (const m of text.matchAll(/\{\{doc(\d)\}\}` is written after you/g)) {
      assert.ok(
        downstreamOf(step.id).includes(Number(m[1]) as StepId),
        `${step.prompt}: step ${m[1]} does not run after it`,
      );
    }
    for (const m of text.matchAll(/\{\{doc(\d)\}\}/g)) {
      const n = Number(m[1]) as StepId;
      const reads = upstreamOf(step.id).includes(n) || downstreamOf(step.id).includes(n);
      assert.ok(reads || n === step.id, `${step.prompt} names step ${n}, which is neither before nor after it`);
    }
  }
  for (const agent of AGENTS) {
    const text = await fs.readFile(path.join(promptsDir, 'agents', `${agent}.md`), 'utf8');
    for (const m of text.matchAll(/\bstep (\d)\b/g)) {
      assert.equal(STEPS.find((s) => s.id === Number(m[1]))?.agent, agent, `agents/${agent}.md claims step ${m[1]}`);
    }
  }
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
