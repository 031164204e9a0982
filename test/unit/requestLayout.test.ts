/**
 * The request layout as the prompt cache bills it (issue 13, items 3 and 4): the eight step
 * requests of a run and the parts of the decision step, accounted by the fake server's cache (the
 * real API's rules: at most 4 breakpoints, prefix match, minimum length, 5-minute lifetime). Each
 * step reads the previous step's chain (docs/adr/0019) and writes only its newest blocks; the budget's forecast of each
 * call (callEstimate.ts) is within a stated margin of what the cache bills.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { partRequest } from '../../src/core/adr/parts';
import { CacheMirror } from '../../src/core/callEstimate';
import type { LlmRequest } from '../../src/core/llm/types';
import { costOf } from '../../src/core/pricing';
import { FilePromptSource, buildStepRequest, type ContextDocument, documentBlock } from '../../src/core/prompts';
import { layoutWithChain } from '../../src/core/contextTrim';
import { LAYOUT, STEPS, type StepId, stepById } from '../../src/core/steps';
import { PromptCache, estimateTokens } from '../fake-anthropic/promptCache';
import type { FlatBlock } from '../fake-anthropic/request';
import { promptsDir } from '../helpers/paths';

const MODEL = 'claude-opus-5-5';
/** The forecast's stated margin: within 5 % of what the cache bills, either way. */
const MARGIN = 0.05;

/**
 * A step document of a real one's size (about 3,500 tokens): a summary, prose, and a table of the
 * assumptions it defines (what its digest keeps, with the summary and the headings).
 */
const doc = (n: number): ContextDocument => ({
  name: stepById(n).document,
  step: n as StepId,
  text: [
    `# Doc ${n}`,
    '',
    '## Summary',
    '',
    `In short ${n}: ${'the decision and its reason. '.repeat(12)}`,
    '',
    '## Body',
    '',
    `Decision ${n} serves NFR-${n}. `.repeat(400),
    '',
    '## Assumptions',
    '',
    '| Assumption | Statement |',
    '|---|---|',
    ...Array.from({ length: 20 }, (_, i) => `| A-${n * 100 + i} | Users of part ${i} behave as step ${n} expects. |`),
    '',
  ].join('\n'),
});

/** The C4 model as it stands before step `step` runs: level 1 after step 2, levels 2-3 after step 3, deployment after step 5. */
const modelBefore = (step: StepId): string | undefined => {
  if (step <= 2) return undefined;
  const m: Record<string, unknown> = {
    people: [{ id: 'user', name: 'User', description: 'Buys things', external: true }],
    systems: [{ id: 'shop', name: 'Shop', description: 'Sells things', external: false }],
    containers: [],
    components: [],
    relationships: [{ from: 'user', to: 'shop', description: 'Buys from', technology: 'HTTPS' }],
  };
  if (step > 3) {
    m.containers = [
      { id: 'api', system: 'shop', name: 'API', technology: 'Node', description: 'Serves', kind: 'service' },
    ];
    (m.relationships as unknown[]).push({ from: 'user', to: 'api', description: 'Calls', technology: 'HTTPS' });
  }
  if (step > 5) m.deployment = { environments: [], nodes: [], infrastructure: [], deployments: [], relationships: [] };
  return JSON.stringify(m, null, 2);
};

const upstream = (step: StepId): ContextDocument[] => {
  const model = modelBefore(step);
  return [...stepById(step).needs.map(doc), ...(model ? [{ name: LAYOUT.c4Model, text: model }] : [])];
};

const PRD = `# Shop\n\n${'The shop sells things to users who buy them. '.repeat(120)}\n`;

async function stepRequest(step: StepId): Promise<LlmRequest> {
  return buildStepRequest(new FilePromptSource(promptsDir), {
    step,
    prdName: 'PRD.md',
    prdText: PRD,
    upstream: upstream(step),
    model: MODEL,
    maxTokens: 16000,
  });
}

/** The request's blocks as the Anthropic client sends them and the fake reads them. */
function flat(request: LlmRequest): FlatBlock[] {
  const bp = (cache?: boolean): Partial<FlatBlock> => (cache ? { breakpoint: { ttlMs: 5 * 60 * 1000 } } : {});
  return [
    ...request.system.map((b): FlatBlock => ({ role: 'system', message: -1, text: b.text, ...bp(b.cache) })),
    ...request.turns.flatMap((t, i) =>
      t.content.map((b): FlatBlock => ({ role: t.role, message: i, text: b.text, ...bp(b.cache) })),
    ),
  ];
}

const tokensOf = (texts: readonly string[]): number => texts.reduce((n, t) => n + estimateTokens(t), 0);

/** The step's context blocks as the request sends them, and how many of them are the shared chain. */
const contextOf = (step: StepId): { texts: string[]; chain: number } => {
  const { documents, chain } = layoutWithChain(step, upstream(step));
  return { texts: documents.map(documentBlock), chain };
};

test("each step's request reads the previous step's chain from the cache and writes only its newest blocks", async () => {
  let clock = 1_000_000;
  const cache = new PromptCache({ now: () => clock });
  let before: string[] = [];
  for (const s of STEPS) {
    const request = await stepRequest(s.id);
    const blocks = flat(request);
    assert.ok(blocks.filter((b) => b.breakpoint).length <= 4, `step ${s.id}: at most 4 breakpoints`);
    const usage = cache.account(MODEL, blocks);
    const system = request.system.map((b) => b.text);
    const prd = request.turns[0].content[0].text;
    const { texts, chain } = contextOf(s.id);
    const task = request.turns[0].content.at(-1)!.text;
    // The chain of digests starts with the previous request's; what follows it is this step's own.
    assert.deepEqual(texts.slice(0, before.length), before, `step ${s.id} starts with step ${s.id - 1}'s chain`);
    const fresh = texts.slice(before.length, chain);
    const own = texts.slice(chain);
    if (s.id === 1) {
      assert.deepEqual(usage, {
        cache_read_input_tokens: 0,
        cache_creation_input_tokens: tokensOf([...system, prd]),
        input_tokens: estimateTokens(task),
      });
    } else if (s.id < 8) {
      // Its newest chain blocks are written for the next step; the rest of the documents it alone
      // builds on and its task are read by no later request: full price.
      assert.ok(fresh.length > 0, `step ${s.id} adds to the chain`);
      assert.deepEqual(
        usage,
        {
          cache_read_input_tokens: tokensOf([...system, prd, ...before]),
          cache_creation_input_tokens: tokensOf(fresh),
          input_tokens: tokensOf([...own, task]),
        },
        `step ${s.id}`,
      );
    } else {
      // The last step writes nothing no request reads: its newest digest is sent at full price.
      assert.deepEqual(usage, {
        cache_read_input_tokens: tokensOf([...system, prd, ...before]),
        cache_creation_input_tokens: 0,
        input_tokens: tokensOf([...fresh, ...own, task]),
      });
    }
    before = texts.slice(0, chain);
    clock += 60_000;
  }
});

test("the parts of a step read the step's whole request from the cache; each pays only for its own instruction", async () => {
  let clock = 1_000_000;
  const cache = new PromptCache({ now: () => clock });
  for (const s of STEPS.filter((x) => x.id < 8)) cache.account(MODEL, flat(await stepRequest(s.id)));
  const step = await stepRequest(8);
  const shared = flat(step);
  const instructions = [
    '## Part: the decision list\n\nList them.',
    '## Part: ADRs 1-3\n\nWrite them.',
    '## Part: the summary\n\nWrite it.',
  ];
  const usages = instructions.map((text) => {
    clock += 30_000;
    return cache.account(MODEL, flat(partRequest(step, text)));
  });
  const all = tokensOf(shared.map((b) => b.text));
  // The first part reads what step 7 cached (the system text, the PRD and step 7's chain) and
  // writes the rest of the step's request (its newest digest and its task) once.
  const seven = contextOf(7);
  const cached = tokensOf([
    ...step.system.map((b) => b.text),
    step.turns[0].content[0].text,
    ...seven.texts.slice(0, seven.chain),
  ]);
  assert.deepEqual(usages[0], {
    cache_read_input_tokens: cached,
    cache_creation_input_tokens: all - cached,
    input_tokens: estimateTokens(instructions[0]),
  });
  for (const [i, u] of usages.slice(1).entries()) {
    assert.deepEqual(u, {
      cache_read_input_tokens: all,
      cache_creation_input_tokens: 0,
      input_tokens: estimateTokens(instructions[i + 1]),
    });
  }
});

test(`the budget's forecast of each call is within ${MARGIN * 100} % of what the cache bills, and knows when the cache expired`, async () => {
  let clock = 1_000_000;
  const cache = new PromptCache({ now: () => clock });
  const mirror = new CacheMirror(() => clock);
  const requests: LlmRequest[] = [];
  for (const s of STEPS) requests.push(await stepRequest(s.id));
  const eight = requests[7];
  requests.push(partRequest(eight, '## Part: the decision list\n\nList them.'));
  requests.push(partRequest(eight, '## Part: ADRs 1-3\n\nWrite them.'));
  let fullPriceCeiling = 0;
  let forecastTotal = 0;
  for (const [i, request] of requests.entries()) {
    const f = mirror.forecast(request);
    const u = cache.account(MODEL, flat(request));
    const billed = {
      input: u.input_tokens,
      cacheWrite: u.cache_creation_input_tokens,
      cacheRead: u.cache_read_input_tokens,
      output: 0,
    };
    const forecast = costOf({ ...f, output: 0 }, MODEL);
    const actual = costOf(billed, MODEL);
    assert.ok(
      Math.abs(forecast - actual) <= MARGIN * actual,
      `call ${i + 1}: forecast $${forecast.toFixed(4)} against $${actual.toFixed(4)} billed (${JSON.stringify(f)} / ${JSON.stringify(billed)})`,
    );
    mirror.record(request, billed);
    fullPriceCeiling += costOf(
      { input: f.input + f.cacheWrite + f.cacheRead, cacheWrite: 0, cacheRead: 0, output: 0 },
      MODEL,
    );
    forecastTotal += forecast;
    clock += 60_000;
  }
  // The old check priced every input token at full price: the forecast is far below that.
  assert.ok(forecastTotal < 0.6 * fullPriceCeiling, `${forecastTotal} against a ceiling of ${fullPriceCeiling}`);

  // Six minutes later the provider has dropped the prefixes: the forecast writes them again, as the cache bills.
  clock += 6 * 60_000;
  const again = requests[6];
  const f = mirror.forecast(again);
  const u = cache.account(MODEL, flat(again));
  assert.equal(f.cacheRead, 0);
  assert.equal(u.cache_read_input_tokens, 0);
  assert.ok(Math.abs(f.cacheWrite - u.cache_creation_input_tokens) <= MARGIN * u.cache_creation_input_tokens);

  // A provider that reports no cache is forecast at full price for every token.
  const plain = new CacheMirror(() => clock);
  plain.record(again, { input: 1000, output: 10 });
  const p = plain.forecast(again);
  assert.equal(p.cacheRead + p.cacheWrite, 0);
});

test('the fake cache, as the real API: a prefix another request is writing is readable only once that response begins', () => {
  let clock = 1_000_000;
  const cache = new PromptCache({ now: () => clock });
  const prefix = 'p'.repeat(8000);
  const blocks = (tail: string): FlatBlock[] => [
    { role: 'system', message: -1, text: prefix, breakpoint: { ttlMs: 5 * 60 * 1000 } },
    { role: 'user', message: 0, text: tail },
  ];
  // Two parts sent at once, their responses 2 s away: both write the prefix.
  assert.equal(cache.account(MODEL, blocks('a'), 2000).cache_creation_input_tokens, 2000);
  clock += 10;
  assert.equal(cache.account(MODEL, blocks('b'), 2000).cache_creation_input_tokens, 2000);
  // Once the first response has begun, a third reads it.
  clock += 2000;
  assert.equal(cache.account(MODEL, blocks('c'), 2000).cache_read_input_tokens, 2000);
});
