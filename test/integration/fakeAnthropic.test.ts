/**
 * The fake Anthropic server, driven through the real SDK over real HTTP: streaming and usage,
 * prompt caching, error bodies and faults, step detection, the generated step documents and replayed
 * recorded answers.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import Anthropic from '@anthropic-ai/sdk';
import type { PromptBlock } from '../../src/core/llm/types';
import { buildStepRequest, repairTurnText, type ContextDocument, type PromptSource } from '../../src/core/prompts';
import { STEPS, stepById, type StepId } from '../../src/core/steps';
import type { C4Model } from '../../src/core/model';
import { loadReplay, startFakeAnthropic, type FakeAnthropic } from '../fake-anthropic/server';

const PRD = `# ParcelPal — Product Requirements

## 1. Overview

ParcelPal lets small shops book courier pickups and lets their customers track parcels.

## 2. Features

### 2.1 Pickup Booking

Shop owners book a pickup slot for today or tomorrow.

### 2.2 Live Tracking 📦

Customers follow their parcel on a map until it is delivered.

### 2.3 Invoicing

Monthly invoices, paid by card through Stripe.

## 3. Non-functional requirements

- The tracking page loads in < 300 ms (p95).
- 99.9% uptime.
- 5,000 concurrent users at launch.
`;

/** Prompt files from memory: the format text is long enough (> 1024 tokens) to be cached. */
const FORMAT = `# How to answer\n\n${'Follow the output format exactly; every section is checked by code. '.repeat(90)}`;
const prompts: PromptSource = {
  read: (name) =>
    Promise.resolve({
      text:
        name === 'output-format.md'
          ? FORMAT
          : `Prompt ${name} for {{stepTitle}}.\n\nExisting decisions:\n{{existingDecisions}}`,
      origin: `memory:${name}`,
    }),
};

function toBlocks(blocks: PromptBlock[]): Anthropic.TextBlockParam[] {
  return blocks.map((b) =>
    b.cache ? { type: 'text', text: b.text, cache_control: { type: 'ephemeral' } } : { type: 'text', text: b.text },
  );
}

/** The request Archflow sends for a step, as SDK parameters. */
async function stepParams(
  step: StepId,
  upstream: ContextDocument[] = [],
  prdText = PRD,
  existingDecisions?: { key: string; number: number; title: string }[],
): Promise<Anthropic.MessageCreateParamsNonStreaming> {
  const req = await buildStepRequest(prompts, {
    step,
    prdName: 'parcelpal.md',
    prdText,
    upstream,
    model: 'claude-opus-4-1',
    maxTokens: 16000,
    existingDecisions,
  });
  return {
    model: req.model,
    max_tokens: req.maxTokens,
    system: toBlocks(req.system),
    messages: req.turns.map((t) => ({ role: t.role, content: toBlocks(t.content) })),
  };
}

function textOf(message: Anthropic.Message): string {
  return message.content.map((b) => (b.type === 'text' ? b.text : '')).join('');
}

/** The fenced structured blocks of a document, parsed. */
function blocksOf(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const m of text.matchAll(/^```(archflow-[a-z0-9]+)\n([\s\S]*?)\n```$/gm)) out[m[1]] = JSON.parse(m[2]);
  return out;
}

function h2Of(text: string): string[] {
  return [...text.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
}

function idsOf(model: C4Model): Set<string> {
  return new Set([...model.people, ...model.systems, ...model.containers, ...model.components].map((e) => e.id));
}

void describe('fake Anthropic server', () => {
  let fake: FakeAnthropic;
  let client: Anthropic;

  before(async () => {
    fake = await startFakeAnthropic({ chunkSize: 64 });
    client = new Anthropic({ apiKey: 'test-key', baseURL: fake.url, maxRetries: 0 });
  });
  after(async () => {
    await fake.close();
  });
  beforeEach(() => fake.reset());

  void it('streams an answer in many text deltas and reports usage', async () => {
    const deltas: string[] = [];
    const stream = client.messages.stream(await stepParams(1));
    stream.on('text', (t) => deltas.push(t));
    const message = await stream.finalMessage();
    assert.equal(message.stop_reason, 'end_turn');
    assert.ok(deltas.length > 5, `expected many deltas, got ${deltas.length}`);
    assert.equal(deltas.join(''), textOf(message));
    assert.ok(message.usage.output_tokens > 100);
    const total =
      message.usage.input_tokens +
      (message.usage.cache_creation_input_tokens ?? 0) +
      (message.usage.cache_read_input_tokens ?? 0);
    assert.ok(total > 1000);
    const [record] = fake.requests;
    assert.equal(record.step, 1);
    assert.equal(record.stream, true);
    assert.equal(record.apiKeyPresent, true);
    assert.equal(record.outcome, 'complete');
    assert.deepEqual(record.usage?.output_tokens, message.usage.output_tokens);
    assert.ok(!JSON.stringify(fake.requests).includes('test-key'), 'the API key value is never recorded');
  });

  void it('serves a repeated prefix from the prompt cache', async () => {
    const first = await client.messages.stream(await stepParams(1)).finalMessage();
    assert.equal(first.usage.cache_read_input_tokens, 0);
    assert.ok((first.usage.cache_creation_input_tokens ?? 0) >= 1024);
    const second = await client.messages.stream(await stepParams(1)).finalMessage();
    assert.equal(second.usage.cache_read_input_tokens, first.usage.cache_creation_input_tokens);
    assert.equal(second.usage.cache_creation_input_tokens, 0);
    assert.equal(second.usage.input_tokens, first.usage.input_tokens);
    // Step 2 shares the system text and the PRD, and writes its own upstream block.
    const step1 = textOf(first);
    const third = await client.messages
      .stream(await stepParams(2, [{ name: '01-architecture-context.md', text: step1, step: 1 }]))
      .finalMessage();
    assert.equal(third.usage.cache_read_input_tokens, first.usage.cache_creation_input_tokens);
    assert.ok((third.usage.cache_creation_input_tokens ?? 0) > 0);
    const totals = fake.usageTotals();
    assert.equal(totals.requests, 3);
    assert.ok(totals.cache_read_input_tokens > 0);
  });

  void it('does not cache a prefix shorter than the minimum', async () => {
    const params = {
      model: 'claude-opus-4-1',
      max_tokens: 100,
      system: [{ type: 'text' as const, text: 'short system prompt', cache_control: { type: 'ephemeral' as const } }],
      messages: [{ role: 'user' as const, content: 'Hello' }],
    };
    await client.messages.create(params);
    const again = await client.messages.create(params);
    assert.equal(again.usage.cache_read_input_tokens, 0);
    assert.equal(again.usage.cache_creation_input_tokens, 0);
    assert.ok(again.usage.input_tokens > 0);
    assert.match(textOf(again), /fake Anthropic server/);
  });

  void it('rejects a bad API key with 401 (AuthenticationError)', async () => {
    const bad = new Anthropic({ apiKey: 'bad-key', baseURL: fake.url, maxRetries: 0 });
    await assert.rejects(bad.messages.stream(await stepParams(1)).finalMessage(), (err: unknown) => {
      assert.ok(err instanceof Anthropic.AuthenticationError);
      assert.equal(err.status, 401);
      assert.equal((err.error as { error?: { type?: string } }).error?.type, 'authentication_error');
      return true;
    });
    const missing = await fetch(`${fake.url}/v1/messages`, {
      method: 'POST',
      body: JSON.stringify({ model: 'm', max_tokens: 1, messages: [] }),
    });
    assert.equal(missing.status, 401);
    assert.deepEqual(((await missing.json()) as { error: { type: string } }).error.type, 'authentication_error');
  });

  void it('only accepts the configured keys when validKeys is set', async () => {
    const strict = await startFakeAnthropic({ validKeys: ['only-this'] });
    try {
      const other = new Anthropic({ apiKey: 'test-key', baseURL: strict.url, maxRetries: 0 });
      await assert.rejects(
        other.messages.create({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
        Anthropic.AuthenticationError,
      );
      const good = new Anthropic({ apiKey: 'only-this', baseURL: strict.url, maxRetries: 0 });
      const ok = await good.messages.create({
        model: 'm',
        max_tokens: 100,
        messages: [{ role: 'user', content: 'hi' }],
      });
      assert.equal(ok.stop_reason, 'end_turn');
    } finally {
      await strict.close();
    }
  });

  void it('injects a 429 with retry-after, once', async () => {
    fake.setFaults([{ kind: 'status', status: 429, retryAfter: 7, step: 1, times: 1 }]);
    await assert.rejects(client.messages.stream(await stepParams(1)).finalMessage(), (err: unknown) => {
      assert.ok(err instanceof Anthropic.RateLimitError);
      assert.equal(err.headers?.get('retry-after'), '7');
      assert.equal((err.error as { error?: { type?: string } }).error?.type, 'rate_limit_error');
      return true;
    });
    const ok = await client.messages.stream(await stepParams(1)).finalMessage();
    assert.equal(ok.stop_reason, 'end_turn');
    assert.deepEqual(
      fake.requests.map((r) => [r.status, r.fault ?? null]),
      [
        [429, 'status'],
        [200, null],
      ],
    );
  });

  void it('maps status faults to the API error types (529 overloaded)', async () => {
    fake.setFaults([{ kind: 'status', status: 529 }]);
    await assert.rejects(
      client.messages.create({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
      (err: unknown) => {
        assert.ok(err instanceof Anthropic.APIError);
        assert.equal(err.status, 529);
        assert.equal((err.error as { error?: { type?: string } }).error?.type, 'overloaded_error');
        return true;
      },
    );
  });

  void it('a cut stream makes finalMessage() throw', async () => {
    fake.setFaults([{ kind: 'cut', afterChars: 500 }]);
    const deltas: string[] = [];
    const stream = client.messages.stream(await stepParams(1));
    stream.on('text', (t) => deltas.push(t));
    await assert.rejects(stream.finalMessage());
    assert.equal(deltas.join('').length, 500);
    assert.equal(fake.requests[0].outcome, 'cut');
  });

  void it('a dropped connection is a connection error', async () => {
    fake.setFaults([{ kind: 'drop', times: 1 }]);
    await assert.rejects(client.messages.stream(await stepParams(1)).finalMessage(), Anthropic.APIConnectionError);
    assert.equal(fake.requests[0].outcome, 'dropped');
  });

  void it('an error event mid-stream surfaces as an overloaded APIError', async () => {
    fake.setFaults([{ kind: 'sse-error', afterChars: 200 }]);
    await assert.rejects(client.messages.stream(await stepParams(1)).finalMessage(), (err: unknown) => {
      assert.ok(err instanceof Anthropic.APIError);
      assert.equal((err.error as { error?: { type?: string } }).error?.type, 'overloaded_error');
      return true;
    });
  });

  void it('max-tokens ends the stream cleanly with stop_reason max_tokens', async () => {
    fake.setFaults([{ kind: 'max-tokens', afterChars: 300 }]);
    const message = await client.messages.stream(await stepParams(1)).finalMessage();
    assert.equal(message.stop_reason, 'max_tokens');
    assert.equal(textOf(message).length, 300);
  });

  void it('a stall holds the stream open until the client aborts', async () => {
    fake.setFaults([{ kind: 'stall' }]);
    const stream = client.messages.stream(await stepParams(1));
    const started = new Promise<void>((resolve) => stream.on('connect', () => resolve()));
    await started;
    setTimeout(() => stream.abort(), 50);
    await assert.rejects(stream.finalMessage(), Anthropic.APIUserAbortError);
    await waitFor(() => fake.requests[0]?.outcome === 'stalled');
  });

  void it('a malformed answer is repaired by the repair turn (times: 1)', async () => {
    fake.setFaults([{ kind: 'malformed', step: 1, times: 1 }]);
    const params = await stepParams(1);
    const bad = textOf(await client.messages.stream(params).finalMessage());
    assert.ok(!h2Of(bad).includes('Business Goals and Drivers'), 'a required section is missing');
    assert.throws(() => blocksOf(bad));
    const repaired = await client.messages
      .stream({
        ...params,
        messages: [
          ...params.messages,
          { role: 'assistant', content: bad },
          {
            role: 'user',
            content: repairTurnText([
              'missing section ## Business Goals and Drivers',
              'archflow-requirements: invalid JSON',
            ]),
          },
        ],
      })
      .finalMessage();
    const good = textOf(repaired);
    assert.deepEqual(h2Of(good), stepById(1).sections);
    assert.ok(blocksOf(good)['archflow-requirements']);
    assert.deepEqual(
      fake.requests.map((r) => [r.step, r.repair]),
      [
        [1, false],
        [1, true],
      ],
    );
  });

  void it('detects the step and writes step 1 and step 3 for a made-up PRD', async () => {
    const step1 = textOf(await client.messages.stream(await stepParams(1)).finalMessage());
    assert.match(step1, /^# \S.*\n/);
    assert.deepEqual(h2Of(step1), stepById(1).sections);
    const inventory = blocksOf(step1)['archflow-requirements'] as {
      requirements: { id: string; title: string; category?: string; target?: string | null }[];
    };
    const titles = inventory.requirements.map((r) => r.title);
    for (const feature of ['Pickup Booking', 'Live Tracking', 'Invoicing'])
      assert.ok(titles.includes(feature), `FR for ${feature}`);
    const categories = inventory.requirements.map((r) => r.category);
    for (const c of ['performance', 'scalability', 'availability', 'security'])
      assert.ok(categories.includes(c), `NFR of category ${c}`);
    assert.match(inventory.requirements.find((r) => r.category === 'performance')?.target ?? '', /300 ms/);
    assert.match(inventory.requirements.find((r) => r.category === 'availability')?.target ?? '', /99\.9%/);

    const doc1 = { name: '01-architecture-context.md', text: step1, step: 1 as StepId };
    const step2 = textOf(await client.messages.stream(await stepParams(2, [doc1])).finalMessage());
    assert.deepEqual(h2Of(step2), stepById(2).sections);
    const level1 = blocksOf(step2)['archflow-c4'] as C4Model;
    const model: C4Model = {
      people: level1.people,
      systems: level1.systems,
      containers: [],
      components: [],
      relationships: level1.relationships,
    };
    const doc2 = { name: '02-high-level-architecture.md', text: step2, step: 2 as StepId };
    const c4 = { name: 'diagrams/c4-model.json', text: JSON.stringify(model, null, 2) };
    const step3 = textOf(await client.messages.stream(await stepParams(3, [doc1, doc2, c4])).finalMessage());
    assert.deepEqual(h2Of(step3), stepById(3).sections);
    assert.deepEqual(
      fake.requests.map((r) => r.step),
      [1, 2, 3],
    );
    const containerView = step3.slice(step3.indexOf('## Container View'), step3.indexOf('## Component Views'));
    const added = blocksOf(containerView)['archflow-c4'] as C4Model;
    const internal = model.systems.find((s) => !s.external);
    assert.ok(internal);
    assert.ok(added.containers.every((c) => c.system === internal.id));
    assert.ok(added.containers.some((c) => c.kind === 'database'));
    const merged: C4Model = {
      ...model,
      containers: added.containers,
      components: added.components,
      relationships: [...model.relationships, ...added.relationships],
    };
    const ids = idsOf(merged);
    assert.equal(
      ids.size,
      merged.people.length + merged.systems.length + merged.containers.length + merged.components.length,
      'ids are unique',
    );
    assert.ok(
      added.components.length > 0 && added.components.every((c) => added.containers.some((x) => x.id === c.container)),
    );
    for (const r of merged.relationships)
      assert.ok(ids.has(r.from) && ids.has(r.to), `relationship ${r.from} → ${r.to}`);
    // Performance-like NFRs of step 1 are cited (traceability).
    for (const r of inventory.requirements.filter((x) =>
      ['performance', 'scalability', 'availability'].includes(x.category ?? ''),
    )) {
      assert.match(step3, new RegExp(`\\b${r.id}\\b`));
    }
  });

  void it('runs all eight steps into a consistent design with stable ADR keys', async () => {
    const docs = new Map<number, string>();
    let model: C4Model = { people: [], systems: [], containers: [], components: [], relationships: [] };
    for (const step of STEPS) {
      const upstream: ContextDocument[] = step.needs.map((n) => ({
        name: stepById(n).document,
        text: docs.get(n) ?? '',
        step: n,
      }));
      if (step.id >= 3) upstream.push({ name: 'diagrams/c4-model.json', text: JSON.stringify(model) });
      const existing =
        step.id === 8
          ? [
              { key: 'async-processing', number: 3, title: 'Move slow work to a job queue' },
              { key: 'legacy-choice', number: 7, title: 'Keep the legacy SFTP export' },
            ]
          : undefined;
      const text = textOf(
        await client.messages.stream(await stepParams(step.id, upstream, PRD, existing)).finalMessage(),
      );
      docs.set(step.id, text);
      assert.deepEqual(h2Of(text), step.sections, `sections of step ${step.id}`);
      const blocks = blocksOf(text);
      for (const b of step.blocks) assert.ok(blocks[`archflow-${b}`], `step ${step.id} emits archflow-${b}`);
      const c4 = blocks['archflow-c4'] as Partial<C4Model> | undefined;
      if (c4) {
        model = {
          people: [...model.people, ...(c4.people ?? [])],
          systems: [...model.systems, ...(c4.systems ?? [])],
          containers: [...model.containers, ...(c4.containers ?? [])],
          components: [...model.components, ...(c4.components ?? [])],
          relationships: [...model.relationships, ...(c4.relationships ?? [])],
        };
      }
    }
    const ids = idsOf(model);
    const findings = blocksOf(docs.get(6) ?? '')['archflow-findings'] as {
      verdict: string;
      findings: { severity: string; status: string; element: string | null }[];
    };
    assert.equal(findings.verdict, 'pass');
    assert.ok(
      !findings.findings.some((f) => (f.severity === 'high' || f.severity === 'critical') && f.status === 'open'),
    );
    assert.ok(findings.findings.every((f) => f.element === null || ids.has(f.element)));
    const adrs = (
      blocksOf(docs.get(8) ?? '')['archflow-adrs'] as {
        adrs: { key: string; elements: string[]; requirements: string[] }[];
      }
    ).adrs;
    assert.ok(adrs.length >= 3 && adrs.length <= 5);
    assert.deepEqual(
      adrs.slice(0, 2).map((a) => a.key),
      ['async-processing', 'legacy-choice'],
    );
    assert.ok(adrs.every((a) => a.requirements.length > 0 && a.elements.every((e) => ids.has(e))));
  });

  void it('answers the same request with the same text', async () => {
    const params = await stepParams(3);
    const a = textOf(await client.messages.create(params));
    const b = textOf(await client.messages.create(params));
    assert.equal(a, b);
  });

  void it('handles PRDs without headings, with emoji and in other languages', async () => {
    const cases = [
      'Our clinic needs a booking system. Patients book appointments online and get SMS reminders. Doctors see their calendar.',
      '# 온라인 서점\n\n## 🚀 도서 검색\n책을 검색한다.\n\n## 6.1 주문 및 결제 ✅\n결제는 Stripe 로 한다.',
      'tiny',
    ];
    for (const prd of cases) {
      const step2 = textOf(await client.messages.create(await stepParams(2, [], prd)));
      assert.deepEqual(h2Of(step2), stepById(2).sections);
      const c4 = blocksOf(step2)['archflow-c4'] as C4Model;
      for (const e of [...c4.people, ...c4.systems]) assert.match(e.id, /^[a-zA-Z][a-zA-Z0-9]*$/);
      const used = new Set(c4.relationships.flatMap((r) => [r.from, r.to]));
      assert.ok(c4.systems.filter((s) => s.external).every((s) => used.has(s.id)));
    }
  });

  void it('replays recorded answers by step, and answers the other steps itself', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'archflow-replay-'));
    try {
      await assert.rejects(loadReplay(dir), /holds no step-N\.md answer/);
      const recorded = '# Architecture Context — recorded\n\n## Summary\n\nA real model wrote this. 🚀\n';
      await fs.writeFile(path.join(dir, 'step-1.md'), recorded);
      const replaying = await startFakeAnthropic({ replay: await loadReplay(dir), chunkSize: 7 });
      try {
        const replayClient = new Anthropic({ apiKey: 'test-key', baseURL: replaying.url, maxRetries: 0 });
        assert.equal(textOf(await replayClient.messages.stream(await stepParams(1)).finalMessage()), recorded);
        const step2 = textOf(await replayClient.messages.create(await stepParams(2)));
        assert.deepEqual(h2Of(step2), stepById(2).sections);
        replaying.setFaults([{ kind: 'max-tokens', afterChars: 20 }]);
        const cut = await replayClient.messages.stream(await stepParams(1)).finalMessage();
        assert.equal(cut.stop_reason, 'max_tokens');
        assert.equal(textOf(cut), recorded.slice(0, 20));
      } finally {
        await replaying.close();
      }
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  void it('has control endpoints for faults, requests and reset', async () => {
    const set = await fetch(`${fake.url}/_control/faults`, {
      method: 'POST',
      body: JSON.stringify([{ kind: 'status', status: 500, times: 2 }]),
    });
    assert.equal(set.status, 200);
    const badRule = await fetch(`${fake.url}/_control/faults`, {
      method: 'POST',
      body: JSON.stringify([{ kind: 'nope' }]),
    });
    assert.equal(badRule.status, 400);
    await assert.rejects(
      client.messages.create({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] }),
      Anthropic.InternalServerError,
    );
    assert.equal(fake.faults[0].remaining, 1);
    assert.equal((await fetch(`${fake.url}/_control/faults`, { method: 'DELETE' })).status, 200);
    await client.messages.create({ model: 'm', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
    const log = (await (await fetch(`${fake.url}/_control/requests`)).json()) as {
      status: number;
      apiKeyPresent: boolean;
    }[];
    assert.deepEqual(
      log.map((r) => r.status),
      [500, 200],
    );
    assert.ok(log.every((r) => r.apiKeyPresent));
    assert.equal((await fetch(`${fake.url}/_control/reset`, { method: 'POST' })).status, 200);
    assert.equal(fake.requests.length, 0);
  });
});

async function waitFor(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}
