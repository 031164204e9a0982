/**
 * What a step is sent since docs/adr/0019 (digests of the documents it only refers to, whole the
 * ones it builds on) still holds every id it uses: a real model's answers
 * (../shared/corpus/saas-activation), replayed through the engine one call a step, and for each
 * step the ids its REAL answer cites — requirement (`FR-n`, `NFR-n`), constraint, assumption, risk
 * and question (`C-n`, `A-n`, `R-n`, `Q-n`), finding (`SEC-n`), decision (`ADR nnnn`) and C4
 * element ids — that an earlier document, the PRD or the model file holds, each found in the
 * documents its request carried; and nearly every name in a code span it cites that an earlier
 * document holds (tables, fields, routes). Ids the answer defines itself are not cited. Skipped, with the
 * folder named, where ../shared is absent.
 */
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fencedBlocks } from '../../src/core/markdown';
import { createWorkflow } from '../../src/core/factory';
import { silentLogger } from '../../src/core/log';
import { LAYOUT, STEPS, type StepId } from '../../src/core/steps';
import { type FakeAnthropic, loadReplay, startFakeAnthropic } from '../fake-anthropic/server';
import { type MessagesBody, flattenBlocks } from '../fake-anthropic/request';
import { upgradeRecordedAnswers } from '../fake-anthropic/upgrade';
import { tempDir } from '../helpers/cli';
import { promptsDir } from '../helpers/paths';
import { sharedFolder } from '../helpers/shared';

const corpus = sharedFolder('corpus');
const recorded = path.join(corpus.dir, 'saas-activation');

/** Register, requirement, finding and decision ids as the documents write them. */
const ID = /\b(?:N?FR|[ACRQ]|SEC)-\d+\b|\bADR[ -]\d{4}\b/g;
/** A line that defines the id it starts with: a table row's first cell, or a list item's start. */
const DEFINES = /^(?:\|\s*|\s*[-*]\s+)(?:\*\*)?`?((?:N?FR|[ACRQ]|SEC)-\d+)\b/;

/** Every `"id": "…"` string of a JSON value (the C4 model's elements, nodes, deployments, …). */
function jsonIds(value: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) for (const v of value) jsonIds(v, out);
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'id' && typeof v === 'string') out.add(v);
      else jsonIds(v, out);
    }
  }
  return out;
}

/** The ids an answer defines: rows and items that start with one, and the ids of its structured blocks. */
function definedBy(answer: string): Set<string> {
  const out = new Set<string>();
  for (const line of answer.split('\n')) {
    const m = DEFINES.exec(line);
    if (m) out.add(m[1]);
  }
  for (const b of fencedBlocks(answer)) {
    if (!b.info.startsWith('archflow-')) continue;
    try {
      jsonIds(JSON.parse(b.body), out);
    } catch {
      // not JSON: nothing defined
    }
    if (b.info === 'archflow-adrs') for (const m of b.body.matchAll(/\bADR[ -]\d{4}\b/g)) out.add(m[0]);
  }
  return out;
}

describe('every id a real answer cites is in what its step is sent (../shared/corpus)', () => {
  let fake: FakeAnthropic | undefined;
  let dir = '';
  let out = '';
  let answers: Awaited<ReturnType<typeof loadReplay>> = {};

  before(async () => {
    if (!corpus.present) return;
    answers = upgradeRecordedAnswers(await loadReplay(path.join(recorded, 'answers')));
    fake = await startFakeAnthropic({ port: 0, replay: answers });
    dir = await tempDir('archflow-context-ids-');
    const prd = path.join(dir, 'PRD.md');
    await fs.copyFile(path.join(recorded, 'PRD.md'), prd);
    out = path.join(dir, 'docs', 'architecture');
    const engine = createWorkflow({
      outputDir: out,
      prdPath: prd,
      connection: { provider: 'anthropic', apiKey: 'sk-ant-test-key', baseURL: fake.url },
      prompts: { builtinDir: promptsDir },
      // One call a step: a step's parts share its request, so its first request is what it is sent.
      settings: { model: 'claude-opus-5-5', maxTokens: 16000, concurrency: 1 },
      resolveConflict: async () => 'overwrite',
      log: silentLogger,
    });
    const summary = await engine.run({ steps: 'all', signal: new AbortController().signal, onEvent: () => {} });
    assert.deepEqual(summary.failed, []);
  });
  after(async () => {
    await fake?.close();
  });

  test(
    'each step 2-8: the ids its answer cites that exist upstream are all in its documents',
    { skip: corpus.skip },
    async () => {
      const prdText = await fs.readFile(path.join(recorded, 'PRD.md'), 'utf8');
      const docs = new Map<StepId, string>();
      for (const s of STEPS) docs.set(s.id, await fs.readFile(path.join(out, s.document), 'utf8'));
      const model = JSON.parse(await fs.readFile(path.join(out, LAYOUT.c4Model), 'utf8')) as unknown;
      const elementIds = jsonIds(model);
      const checked: Record<number, number> = {};
      for (const s of STEPS.filter((x) => x.needs.length > 0)) {
        const answer = answers[s.id]!;
        const request = fake!.requests.find((r) => r.step === s.id && !r.repair);
        assert.ok(request, `no request of step ${s.id}`);
        // What the step was given: the PRD and the documents (not its task, which names no design id).
        const given = flattenBlocks(request.body as MessagesBody)
          .filter((b) => b.text.startsWith('<document '))
          .map((b) => b.text)
          .join('\n');
        const upstream = [prdText, ...s.needs.map((n) => docs.get(n)!), JSON.stringify(model)].join('\n');
        const own = definedBy(answer);
        const cited = new Set([
          ...(answer.match(ID) ?? []).map((id) => id.replace(/^ADR-/, 'ADR ')),
          ...[...answer.matchAll(/`([A-Za-z][\w-]*)`/g)].map((m) => m[1]).filter((id) => elementIds.has(id)),
        ]);
        const wanted = [...cited].filter(
          (id) => !own.has(id) && new RegExp(`(?<![\\w-])${id}(?![\\w-])`).test(upstream),
        );
        const missing = wanted.filter((id) => !new RegExp(`(?<![\\w-])${id}(?![\\w-])`).test(given));
        assert.deepEqual(missing, [], `step ${s.id} cites ids its request did not carry`);
        checked[s.id] = wanted.length;
      }
      // The names in code spans it cites (tables, fields, routes, metrics) that an earlier document
      // holds: the digests keep few of them, so they must come with the documents kept whole. One
      // in twenty may be missing (a step may cite a standard name, `traceparent`, that an earlier
      // document happens to hold too).
      for (const s of STEPS.filter((x) => x.needs.length > 0)) {
        const answer = answers[s.id]!;
        const request = fake!.requests.find((r) => r.step === s.id && !r.repair)!;
        const given = flattenBlocks(request.body as MessagesBody)
          .filter((b) => b.text.startsWith('<document '))
          .map((b) => b.text)
          .join('\n');
        const upstream = s.needs.map((n) => docs.get(n)!).join('\n');
        const own = definedBy(answer);
        const names = new Set([...answer.matchAll(/`([^`\n]{3,60})`/g)].map((m) => m[1]));
        const wanted = [...names].filter((n) => !own.has(n) && upstream.includes(n));
        const missing = wanted.filter((n) => !given.includes(n));
        assert.ok(
          missing.length <= wanted.length / 20,
          `step ${s.id}: ${missing.length} of ${wanted.length} cited names not sent: ${missing.join(', ')}`,
        );
      }
      // The check is not empty: every step cites earlier ids (requirements at least).
      for (const s of STEPS.filter((x) => x.needs.length > 0)) assert.ok(checked[s.id] > 5, JSON.stringify(checked));
    },
  );
});
