/**
 * The rules of a provider with a fixed context window and no system role (src/core/llm/budget.ts,
 * docs/adr/0013): the system prompt folded into the first user turn (and a real step request,
 * folded, still read as that step by the fake model), the order in which offered models are
 * tried, the context budget (fit, next model, refusal with both numbers), and usage marked unknown.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { test } from 'node:test';
import {
  FOLD_SEPARATOR,
  INPUT_BUDGET_SHARE,
  type ModelCandidate,
  chooseModel,
  foldSystemPrompt,
  inputBudget,
  rankModels,
  turnText,
} from '../../src/core/llm/budget';
import { ZERO_USAGE, addUsage, describeUsage } from '../../src/core/llm/types';
import { FilePromptSource, buildStepRequest } from '../../src/core/prompts';
import { STEPS } from '../../src/core/steps';
import { generateAnswer } from '../fake-anthropic/responses';
import { readContext } from '../fake-anthropic/request';
import { estimateTokens } from '../fake-anthropic/promptCache';
import { promptsDir, samplePrd } from '../helpers/paths';

const model = (id: string, family: string, maxInputTokens: number, vendor = 'copilot'): ModelCandidate => ({
  id,
  name: id,
  family,
  vendor,
  maxInputTokens,
});

/** A request as a provider without a system role sends it: folded, one string per turn. */
function plainBody(request: Parameters<typeof foldSystemPrompt>[0]) {
  const messages = foldSystemPrompt(request).map((t) => ({ role: t.role, content: turnText(t) }));
  return { model: 'x', max_tokens: 1, messages };
}

test('the system prompt becomes the head of the first user turn, the other turns are unchanged', () => {
  const turns = foldSystemPrompt({
    system: [{ text: 'You are an architect.', cache: true }, { text: 'Write Markdown.' }],
    turns: [
      { role: 'user', content: [{ text: 'PRD', cache: true }, { text: 'Task' }] },
      { role: 'assistant', content: [{ text: 'answer' }] },
      { role: 'user', content: [{ text: 'repair' }] },
    ],
  });
  assert.equal(turns.length, 3);
  assert.equal(turnText(turns[0]!), `You are an architect.\n\nWrite Markdown.${FOLD_SEPARATOR}\n\nPRD\n\nTask`);
  assert.deepEqual(turns.slice(1), [
    { role: 'assistant', content: [{ text: 'answer' }] },
    { role: 'user', content: [{ text: 'repair' }] },
  ]);
});

test('without a system prompt the turns stay as they are; a leading assistant turn gets a user turn first', () => {
  const plain = [{ role: 'user' as const, content: [{ text: 'hello' }] }];
  assert.deepEqual(foldSystemPrompt({ system: [], turns: plain }), plain);
  const odd = foldSystemPrompt({ system: [{ text: 'S' }], turns: [{ role: 'assistant', content: [{ text: 'A' }] }] });
  assert.deepEqual(
    odd.map((t) => [t.role, turnText(t)]),
    [
      ['user', `S${FOLD_SEPARATOR}`],
      ['assistant', 'A'],
    ],
  );
});

test('a real step request, folded into plain user text, is still read as that step with its PRD', async () => {
  const prd = await fs.readFile(samplePrd('english'), 'utf8');
  for (const def of STEPS.filter((s) => s.needs.length === 0)) {
    const request = await buildStepRequest(new FilePromptSource(promptsDir), {
      step: def.id,
      prdName: 'PRD.md',
      prdText: prd,
      upstream: [],
      existingDecisions: [],
      model: 'claude-opus-5-5',
      maxTokens: 1000,
    });
    const folded = foldSystemPrompt(request);
    const ctx = readContext(plainBody(request));
    assert.equal(ctx.step, def.id);
    assert.ok(ctx.prd?.text.includes(prd.split('\n')[0]!), 'the PRD is found in the folded turn');
    assert.ok(turnText(folded[0]!).startsWith(request.system[0]!.text.slice(0, 200)));
  }
});

test('models are tried: the agent’s model, the same Claude tier, other Claude models, the rest; larger windows first', () => {
  const models = [
    model('gpt-5', 'gpt-5', 400_000),
    model('claude-haiku-4.5', 'claude-haiku-4.5', 200_000),
    model('claude-sonnet-4', 'claude-sonnet-4', 128_000),
    model('claude-sonnet-4.5', 'claude-sonnet-4.5', 200_000),
    model('my-opus', 'claude-opus-4.1', 100_000, 'anthropic'),
  ];
  assert.deepEqual(
    rankModels(models, 'claude-sonnet-4-5').map((m) => m.id),
    ['claude-sonnet-4.5', 'claude-sonnet-4', 'claude-haiku-4.5', 'my-opus', 'gpt-5'],
  );
  assert.deepEqual(
    rankModels(models, 'claude-opus-5-5').map((m) => m.id),
    ['my-opus', 'claude-haiku-4.5', 'claude-sonnet-4.5', 'claude-sonnet-4', 'gpt-5'],
  );
  assert.equal(rankModels(models, 'gpt-5')[0]!.id, 'gpt-5', 'an exact id wins over Claude');
  assert.equal(rankModels(models, 'claude-sonnet-4')[0]!.id, 'claude-sonnet-4');
});

test('the context budget: the first ranked model whose budget holds the request answers it', async () => {
  const small = model('claude-haiku-small', 'claude-haiku-4.5', 8_000);
  const large = model('claude-sonnet-large', 'claude-sonnet-4.5', 200_000);
  assert.equal(inputBudget(small), Math.floor(8_000 * INPUT_BUDGET_SHARE));
  const counted: string[] = [];
  const count = (tokens: number) => async (m: ModelCandidate) => {
    counted.push(m.id);
    return tokens;
  };
  const fits = await chooseModel([small, large], 'claude-haiku-4-5', count(7_000));
  assert.ok(fits.ok);
  assert.equal(fits.model.id, 'claude-haiku-small', 'the wanted tier fits, so it answers');
  counted.length = 0;
  const next = await chooseModel([small, large], 'claude-haiku-4-5', count(7_700));
  assert.ok(next.ok);
  assert.equal(next.model.id, 'claude-sonnet-large', '7,700 > 95% of 8,000: the next model answers');
  assert.deepEqual(counted, ['claude-haiku-small', 'claude-sonnet-large']);
  const edge = await chooseModel([small], 'x', count(inputBudget(small)));
  assert.ok(edge.ok, 'exactly the budget fits');
});

test('a request too large for every model is refused with both numbers, and nothing is cut', async () => {
  const small = model('claude-haiku-small', 'claude-haiku-4.5', 8_000);
  const mid = model('claude-sonnet-mid', 'claude-sonnet-4.5', 16_000);
  const refused = await chooseModel([small, mid], 'claude-haiku-4-5', async () => 20_000);
  assert.equal(refused.ok, false);
  if (refused.ok) return;
  assert.equal(refused.reason, 'too-large');
  assert.equal(refused.largest?.id, 'claude-sonnet-mid');
  assert.match(refused.message, /about 20,000 input tokens/);
  assert.match(refused.message, /takes 16,000, of which Archflow uses at most 15,200 \(95%\)\. Nothing was sent\./);
  const none = await chooseModel([], 'claude', async () => 1);
  assert.deepEqual(none.ok ? undefined : none.reason, 'no-models');
});

test('a real step 3 request (upstream as the fake model writes it) does not fit the 8k fake model, and fits the 200k one', async () => {
  const prd = await fs.readFile(samplePrd('english'), 'utf8');
  const source = new FilePromptSource(promptsDir);
  const base = { prdName: 'PRD.md', prdText: prd, existingDecisions: [], model: 'claude-opus-5-5', maxTokens: 1000 };
  const docs = new Map<number, string>();
  let tokens = 0;
  for (const def of STEPS.slice(0, 3)) {
    const upstream = def.needs.map((n) => ({ name: STEPS[n - 1]!.document, text: docs.get(n) ?? '', step: n }));
    const request = await buildStepRequest(source, { ...base, step: def.id, upstream });
    docs.set(def.id, generateAnswer(plainBody(request)).text);
    tokens = estimateTokens(foldSystemPrompt(request).map(turnText).join('\n\n'));
  }
  assert.ok(tokens > inputBudget({ maxInputTokens: 8_000 }), `step 3 is ${tokens} tokens`);
  const choice = await chooseModel(
    [
      model('claude-haiku-fake-small', 'claude-haiku-4.5', 8_000),
      model('claude-sonnet-fake', 'claude-sonnet-4.5', 200_000),
    ],
    'claude-haiku-4-5',
    async () => tokens,
  );
  assert.ok(choice.ok && choice.model.id === 'claude-sonnet-fake');
});

test('usage a provider does not report stays unknown through the totals and reads "unknown"', () => {
  const known = addUsage(ZERO_USAGE, { input: 1200, output: 300 });
  assert.equal(known.unknown, undefined);
  assert.equal(describeUsage(known), '1,200 in, 300 out');
  const unknown = addUsage(addUsage(ZERO_USAGE, { input: 0, output: 0, unknown: true }), {
    input: 0,
    output: 0,
    unknown: true,
  });
  assert.equal(unknown.unknown, true);
  assert.equal(describeUsage(unknown), 'unknown');
  assert.equal(
    describeUsage(addUsage(known, { input: 0, output: 0, unknown: true })),
    '1,200 in, 300 out (some calls unknown)',
  );
});
